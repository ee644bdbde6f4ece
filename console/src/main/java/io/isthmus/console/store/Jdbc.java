package io.isthmus.console.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Small JDBC helpers so the stores read as their SQL. */
public final class Jdbc {
  private final DataSource dataSource;

  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Binds parameters. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Maps one row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /** Runs an update and returns the rows changed. */
  public int update(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("SQL failed: " + sql, e);
    }
  }

  /** Runs an insert and returns the generated {@code id}. */
  public long insert(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql, new String[] {"id"})) {
      binder.bind(s);
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("SQL failed: " + sql, e);
    }
  }

  /** Runs one statement for each item in one transaction. */
  public <T> void batch(String sql, Iterable<T> items, BatchBinder<T> binder) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(sql)) {
        int n = 0;
        for (T item : items) {
          binder.bind(s, item);
          s.addBatch();
          n++;
        }
        if (n > 0) {
          s.executeBatch();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("SQL batch failed: " + sql, e);
    }
  }

  /** Binds one item of a batch. */
  @FunctionalInterface
  public interface BatchBinder<T> {
    void bind(PreparedStatement statement, T item) throws SQLException;
  }

  /** Runs a query and maps every row. */
  public <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      try (ResultSet rows = s.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rows.next()) {
          out.add(mapper.map(rows));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("SQL failed: " + sql, e);
    }
  }
}
