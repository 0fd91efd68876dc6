-- Tenant isolation. The user given at create names the tenant's role, which is no longer a
-- superuser; the control plane keeps its own superuser and monitoring role in every instance, their
-- passwords sealed here (AES-GCM, like the tenant's), and reaches the instance through its Unix
-- socket directory. access_version 0 marks instances made before this change: the server upgrades
-- them (a durable orchestration) and sets 1; instances created from now on start at 1.
ALTER TABLE toygres_cms.instances RENAME COLUMN admin_user TO tenant_user;
ALTER TABLE toygres_cms.instances RENAME COLUMN password_encrypted TO tenant_password_sealed;
ALTER TABLE toygres_cms.instances ALTER COLUMN tenant_password_sealed DROP NOT NULL;
ALTER TABLE toygres_cms.instances
    ADD COLUMN superuser_password_sealed text,
    ADD COLUMN monitor_password_sealed   text,
    ADD COLUMN socket_dir                text,
    ADD COLUMN access_version            integer NOT NULL DEFAULT 0;
ALTER TABLE toygres_cms.instances ALTER COLUMN access_version SET DEFAULT 1;
COMMENT ON COLUMN toygres_cms.instances.tenant_password_sealed IS
    'the password given at create, kept only until the instance runs';
