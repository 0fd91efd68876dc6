package dev.toygres.bench.fleet;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A data source that counts the statements prepared or created on its connections, to show how many
 * queries a piece of code (the doctor) makes.
 */
final class CountingDataSource {
  private CountingDataSource() {}

  /** Wraps {@code ds}; every prepareStatement/createStatement/prepareCall adds one to {@code n}. */
  static DataSource wrap(DataSource ds, AtomicLong n) {
    return (DataSource)
        Proxy.newProxyInstance(
            CountingDataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            forward(
                ds,
                (m, result) ->
                    m.getName().equals("getConnection")
                        ? countingConnection((Connection) result, n)
                        : result));
  }

  private static Connection countingConnection(Connection c, AtomicLong n) {
    return (Connection)
        Proxy.newProxyInstance(
            CountingDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            forward(
                c,
                (m, result) -> {
                  String name = m.getName();
                  if (name.equals("prepareStatement")
                      || name.equals("createStatement")
                      || name.equals("prepareCall")) {
                    n.incrementAndGet();
                  }
                  return result;
                }));
  }

  private interface After {
    Object apply(Method m, Object result);
  }

  private static InvocationHandler forward(Object target, After after) {
    return (proxy, m, args) -> {
      try {
        return after.apply(m, m.invoke(target, args));
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
  }
}
