/**
 * Failover and switchover (docs/replication.md#failover): the durable orchestrations that move an
 * instance's primary to one of its standbys, either because the actor found the primary down
 * ({@code toygres.failover}) or because a user asked ({@code toygres.switchover}), and their
 * activities. One runs per instance at a time, claimed in the CMS.
 */
package dev.toygres.controlplane.failover;
