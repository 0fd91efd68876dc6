package dev.toygres.engine.internal.replay;

import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;

/** Delegates to a real logger only while the orchestration is not replaying. */
final class ReplaySafeLogger extends AbstractLogger {
  private static final long serialVersionUID = 1L;
  private final transient Logger delegate;
  private final transient BooleanSupplier replaying;

  ReplaySafeLogger(Logger delegate, BooleanSupplier replaying) {
    this.delegate = delegate;
    this.replaying = replaying;
    this.name = delegate.getName();
  }

  private boolean live() {
    return !replaying.getAsBoolean();
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] args, Throwable t) {
    var b = delegate.atLevel(level).setMessage(pattern);
    if (args != null) {
      for (Object a : args) {
        b = b.addArgument(a);
      }
    }
    if (t != null) {
      b = b.setCause(t);
    }
    if (marker != null) {
      b = b.addMarker(marker);
    }
    b.log();
  }

  @Override
  public boolean isTraceEnabled() {
    return live() && delegate.isTraceEnabled();
  }

  @Override
  public boolean isTraceEnabled(Marker marker) {
    return live() && delegate.isTraceEnabled(marker);
  }

  @Override
  public boolean isDebugEnabled() {
    return live() && delegate.isDebugEnabled();
  }

  @Override
  public boolean isDebugEnabled(Marker marker) {
    return live() && delegate.isDebugEnabled(marker);
  }

  @Override
  public boolean isInfoEnabled() {
    return live() && delegate.isInfoEnabled();
  }

  @Override
  public boolean isInfoEnabled(Marker marker) {
    return live() && delegate.isInfoEnabled(marker);
  }

  @Override
  public boolean isWarnEnabled() {
    return live() && delegate.isWarnEnabled();
  }

  @Override
  public boolean isWarnEnabled(Marker marker) {
    return live() && delegate.isWarnEnabled(marker);
  }

  @Override
  public boolean isErrorEnabled() {
    return live() && delegate.isErrorEnabled();
  }

  @Override
  public boolean isErrorEnabled(Marker marker) {
    return live() && delegate.isErrorEnabled(marker);
  }
}
