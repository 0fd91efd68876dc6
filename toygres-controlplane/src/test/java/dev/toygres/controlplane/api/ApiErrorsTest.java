package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.access.AuthenticationException;
import dev.toygres.controlplane.access.NoTokenStoreException;
import dev.toygres.controlplane.access.PermissionDeniedException;
import dev.toygres.controlplane.cms.CmsException;
import dev.toygres.controlplane.cms.NameTakenException;
import dev.toygres.controlplane.config.ConfigurationException;
import dev.toygres.controlplane.dataplane.DataPlaneException;
import dev.toygres.controlplane.dataplane.NoFreePortException;
import dev.toygres.controlplane.secret.SecretException;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.client.OrchestrationStillRunningException;
import io.javalin.http.NotFoundResponse;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one mapping from exceptions to responses: each of the control plane's errors gets its status
 * and its own message; everything else (a plain IllegalArgumentException from deep code too) is a
 * 500 with the generic message, naming no class, SQL or stack.
 */
class ApiErrorsTest {

  static Stream<Arguments> domainErrors() {
    return Stream.of(
        Arguments.of(new InvalidRequestException("limit", "limit must be between 1 and 1000"), 400),
        Arguments.of(new BodyTooLargeException(64 * 1024), 413),
        Arguments.of(new AuthenticationException("invalid bearer token"), 401),
        Arguments.of(new PermissionDeniedException("token 'v' (viewer) may not change"), 403),
        Arguments.of(NotFoundException.named("instance", "ghost"), 404),
        Arguments.of(
            new OrchestrationNotFoundException(
                "create-x", "no orchestration instance with id 'create-x'"),
            404),
        Arguments.of(new ConflictException("a token named 'ci' exists already"), 409),
        Arguments.of(
            new StateConflictException(
                "db1", "stopped", "stop", "instance 'db1' is stopped; cannot stop it"),
            409),
        Arguments.of(new NameTakenException("db1"), 409),
        Arguments.of(
            new OrchestrationAlreadyExistsException(
                "create-x", "orchestration 'create-x' already exists"),
            409),
        Arguments.of(
            new OrchestrationStillRunningException(
                "create-x", "orchestration 'create-x' is still running"),
            409),
        Arguments.of(
            new OrchestrationNotRunningException(
                "create-x", "orchestration 'create-x' is not running"),
            409),
        Arguments.of(new NoTokenStoreException(), 501),
        Arguments.of(
            new NoFreePortException("db1-abc", "No free port for instance 'db1-abc'"), 503),
        Arguments.of(
            new DataPlaneException("db1-abc", "start", "Cannot start instance 'db1-abc'"), 500),
        Arguments.of(new SecretException("instance 'db1': cannot decrypt a stored secret"), 500));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("domainErrors")
  void eachDomainErrorHasItsStatusAndItsOwnMessage(Exception e, int status) {
    ApiErrors.Mapped m = ApiErrors.map(e);

    assertThat(m.status()).isEqualTo(status);
    assertThat(m.message()).isEqualTo(e.getMessage()).isNotBlank();
  }

  static Stream<Arguments> unexpectedErrors() {
    return Stream.of(
        Arguments.of(new IllegalArgumentException("index -1 out of bounds for length 3")),
        Arguments.of(new IllegalStateException("no authenticated caller on /api/x")),
        Arguments.of(new NullPointerException("Cannot invoke \"String.length()\"")),
        Arguments.of(
            new CmsException(
                "CMS database error: relation toygres_cms.instances does not exist (SQLState"
                    + " 42P01)",
                new SQLException("relation does not exist", "42P01"))),
        Arguments.of(new ConfigurationException("the secret key from /data/secret.key is bad")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("unexpectedErrors")
  void anythingElseIsA500WithTheGenericMessageAndNothingOfTheCause(Exception e) {
    ApiErrors.Mapped m = ApiErrors.map(e);

    assertThat(m.status()).isEqualTo(500);
    assertThat(m.message())
        .isEqualTo(ApiErrors.INTERNAL)
        .doesNotContain(e.getMessage())
        .doesNotContain(e.getClass().getSimpleName())
        .doesNotContain("Exception", "SQLState", "\tat ");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("domainErrors")
  void noDomainErrorsMessageNamesAClass(Exception e) {
    assertThat(ApiErrors.map(e).message())
        .doesNotContain(e.getClass().getName())
        .doesNotContain("Exception");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("routing")
  void javalinsRoutingErrorsKeepTheirStatusWithAFixedText(Exception e, int status, String text) {
    ApiErrors.Mapped m = ApiErrors.map(e);

    assertThat(m.status()).isEqualTo(status);
    assertThat(m.message()).isEqualTo(text);
  }

  static Stream<Arguments> routing() {
    return Stream.of(
        Arguments.of(new NotFoundResponse("Endpoint GET /x not found"), 404, "no such route"));
  }
}
