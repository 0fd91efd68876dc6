package dev.toygres.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Errors that Jetty answers itself, before a request reaches the API (an unparsable request line, a
 * URI it refuses, headers too large): JSON like every other error, never an HTML page or a stack.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final String JSON = "application/json";

  JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType(JSON);
    response.getOutputStream().write(body(code, message));
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, JSON));
    return ByteBuffer.wrap(body(status, reason));
  }

  static byte[] body(int status, String message) {
    String text =
        status >= 500 || message == null || message.isBlank()
            ? statusText(status)
            : message.toLowerCase(java.util.Locale.ROOT);
    try {
      return ApiJson.MAPPER.writeValueAsBytes(Map.of("error", text));
    } catch (JsonProcessingException e) {
      return "{\"error\":\"error\"}".getBytes(StandardCharsets.UTF_8);
    }
  }

  private static String statusText(int status) {
    String reason = HttpStatus.getMessage(status);
    return reason == null ? "error " + status : reason.toLowerCase(java.util.Locale.ROOT);
  }
}
