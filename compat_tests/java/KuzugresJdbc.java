// pgjdbc against a kuzugres node. Prints "OK <name> <value>" per check, "FAIL <name> ..." per
// failure, and exits 1 when anything failed. Usage: java KuzugresJdbc <port> <node-table-name>

import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

public class KuzugresJdbc {
    private static int failures = 0;

    private static void ok(String name, Object value) {
        System.out.println("OK " + name + " " + value);
    }

    private static void fail(String name, String detail) {
        failures++;
        System.out.println("FAIL " + name + " " + detail);
    }

    private static void check(String name, Object got, Object want) {
        if (Objects.equals(got, want)) {
            ok(name, got);
        } else {
            fail(name, "got=" + got + " want=" + want);
        }
    }

    private interface Section {
        void run() throws Exception;
    }

    /** Run one section; an exception fails it but the program goes on with the next. */
    private static void section(String name, Section body) {
        try {
            body.run();
        } catch (SQLException e) {
            fail(name, "SQLException sqlstate=" + e.getSQLState() + " " + e.getMessage());
        } catch (Exception e) {
            fail(name, e.toString());
        }
    }

    public static void main(String[] args) throws Exception {
        String port = args[0];
        String table = args[1];
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/kuzugres?user=tester"
                + "&connectTimeout=10&socketTimeout=60&ApplicationName=kuzugres-jdbc";

        try (Connection c = DriverManager.getConnection(url)) {
            section("metadata", () -> metadata(c));
            section("statement", () -> plainStatement(c));
            // The default prepareThreshold is 5: executions 5+ use a named server statement.
            section("typed", () -> typed(c, "default", 10));
            section("nulls", () -> nulls(c));
            section("batch", () -> batch(c, table));
            section("transaction", () -> transaction(c, table));
            section("errors", () -> errors(c));
        }
        try (Connection c = DriverManager.getConnection(url + "&prepareThreshold=1")) {
            section("threshold1", () -> typed(c, "threshold1", 3));
        }
        try (Connection c = DriverManager.getConnection(url + "&preferQueryMode=simple")) {
            section("simple", () -> typed(c, "simple", 2));
        }
        System.out.println(failures == 0 ? "DONE" : "FAILURES " + failures);
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void metadata(Connection c) throws SQLException {
        ok("product", c.getMetaData().getDatabaseProductName());
        ok("version", c.getMetaData().getDatabaseProductVersion());
        ok("major", c.getMetaData().getDatabaseMajorVersion());
        ok("driver", c.getMetaData().getDriverVersion());
    }

    private static void plainStatement(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT current_user, current_database(), 7 / 2 AS q, version()")) {
            rs.next();
            check("current_user", rs.getString(1), "tester");
            check("current_database", rs.getString(2), "kuzugres");
            check("int_division", rs.getInt("q"), 3);
            check("version_prefix", rs.getString(4).startsWith("PostgreSQL 15"), true);
            check("one_row", rs.next(), false);
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET application_name = 'jdbc_renamed'");
            try (ResultSet rs = st.executeQuery("SHOW application_name")) {
                rs.next();
                check("show_setting", rs.getString(1), "jdbc_renamed");
            }
        }
    }

    private static void typed(Connection c, String label, int times) throws SQLException {
        String sql = "SELECT ?::int4 AS i4, ?::int8 AS i8, ?::text AS s, ?::numeric AS n,"
                + " ?::bool AS b, ?::float8 AS f8, ?::date AS d, ?::timestamp AS ts, ?::uuid AS u,"
                + " ?::int2 AS i2, ?::float4 AS f4, ?::bytea AS by, ?::timestamptz AS tz";
        UUID uuid = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        Timestamp ts = Timestamp.valueOf("2024-02-29 12:34:56.789");
        Timestamp tz = Timestamp.valueOf("2021-07-01 00:00:00"); // JVM runs with UTC
        byte[] bytes = new byte[] {0, 1, (byte) 0xfe, (byte) 0xff};
        int mismatches = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                ps.setInt(1, 41 + i);
                ps.setLong(2, (1L << 40) + i);
                ps.setString(3, "héllo " + i);
                ps.setBigDecimal(4, new BigDecimal("12345.678"));
                ps.setBoolean(5, i % 2 == 0);
                ps.setDouble(6, 2.5 * i);
                ps.setDate(7, Date.valueOf("2024-02-29"));
                ps.setTimestamp(8, ts);
                ps.setObject(9, uuid);
                ps.setShort(10, (short) -7);
                ps.setFloat(11, 1.5f);
                if (label.equals("simple")) {
                    // pgjdbc cannot inline setBytes() in simple query mode (it leaves the '?').
                    ps.setString(12, "\\x0001feff");
                } else {
                    ps.setBytes(12, bytes);
                }
                ps.setTimestamp(13, tz);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        fail(label + ".row", "no row on execution " + i);
                        return;
                    }
                    List<String> bad = new ArrayList<>();
                    if (rs.getInt(1) != 41 + i) bad.add("int4=" + rs.getInt(1));
                    if (rs.getLong(2) != (1L << 40) + i) bad.add("int8=" + rs.getLong(2));
                    if (!("héllo " + i).equals(rs.getString(3))) bad.add("text=" + rs.getString(3));
                    if (rs.getBigDecimal(4).compareTo(new BigDecimal("12345.678")) != 0) {
                        bad.add("numeric=" + rs.getBigDecimal(4));
                    }
                    if (rs.getBoolean(5) != (i % 2 == 0)) bad.add("bool=" + rs.getBoolean(5));
                    if (rs.getDouble(6) != 2.5 * i) bad.add("float8=" + rs.getDouble(6));
                    if (!Date.valueOf("2024-02-29").equals(rs.getDate(7))) {
                        bad.add("date=" + rs.getDate(7));
                    }
                    if (!ts.equals(rs.getTimestamp(8))) bad.add("timestamp=" + rs.getTimestamp(8));
                    if (!uuid.equals(rs.getObject(9, UUID.class))) bad.add("uuid=" + rs.getObject(9));
                    if (rs.getShort(10) != -7) bad.add("int2=" + rs.getShort(10));
                    if (rs.getFloat(11) != 1.5f) bad.add("float4=" + rs.getFloat(11));
                    if (!Arrays.equals(rs.getBytes(12), bytes)) {
                        bad.add("bytea=" + Arrays.toString(rs.getBytes(12)));
                    }
                    if (!tz.equals(rs.getTimestamp(13))) bad.add("timestamptz=" + rs.getTimestamp(13));
                    if (!bad.isEmpty()) {
                        mismatches++;
                        fail(label + ".execution" + i, String.join(" ", bad));
                    }
                    if (i == times - 1) {
                        ok(label + ".int4", rs.getInt(1));
                        ok(label + ".int8", rs.getLong(2));
                        ok(label + ".text", rs.getString(3));
                        ok(label + ".numeric", rs.getBigDecimal(4));
                        ok(label + ".bool", rs.getBoolean(5));
                        ok(label + ".float8", rs.getDouble(6));
                        ok(label + ".date", rs.getDate(7));
                        ok(label + ".timestamp", rs.getTimestamp(8));
                        ok(label + ".uuid", rs.getObject(9, UUID.class));
                        ok(label + ".int2", rs.getShort(10));
                        ok(label + ".float4", rs.getFloat(11));
                        ok(label + ".bytea", Arrays.toString(rs.getBytes(12)));
                        ok(label + ".timestamptz", rs.getTimestamp(13));
                    }
                    if (rs.next()) {
                        mismatches++;
                        fail(label + ".rows", "more than one row on execution " + i);
                    }
                }
            }
        }
        if (mismatches == 0) {
            ok(label + ".executions", times);
        }
    }

    private static void nulls(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::int4, ?::text, ?::int4 IS NULL")) {
            ps.setNull(1, Types.INTEGER);
            ps.setNull(2, Types.VARCHAR);
            ps.setNull(3, Types.INTEGER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rs.getInt(1);
                check("null.int4", rs.wasNull(), true);
                check("null.text", rs.getString(2), null);
                check("null.is_null", rs.getBoolean(3), true);
            }
        }
    }

    private static void createTable(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT * FROM cypher($$ CREATE NODE TABLE " + table
                    + "(id INT64, name STRING, PRIMARY KEY(id)) $$) AS (r text)");
        }
    }

    private static List<Long> ids(Connection c, String table) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM cypher($$ MATCH (p:" + table
                        + ") RETURN p.id ORDER BY p.id $$) AS (id int8)")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static void batch(Connection c, String table) throws SQLException {
        createTable(c, table);
        String sql = "SELECT * FROM cypher($$ CREATE (:" + table + " {id: $id, name: $name}) $$,"
                + " ?::json) AS (r text)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 6; i++) {
                ps.setString(1, "{\"id\": " + i + ", \"name\": \"n" + i + "\"}");
                ps.addBatch();
            }
            try {
                // PostgreSQL answers each zero-row SELECT with "SELECT 0": counts are all 0.
                check("batch.counts", Arrays.toString(ps.executeBatch()), "[0, 0, 0, 0, 0, 0]");
            } catch (BatchUpdateException e) {
                SQLException next = e.getNextException();
                fail("batch.executeBatch", e.getMessage() + (next == null ? "" : " / " + next));
                for (int i = 1; i <= 6; i++) { // fall back to single executions
                    ps.setString(1, "{\"id\": " + i + ", \"name\": \"n" + i + "\"}");
                    ps.execute();
                }
            }
        }
        check("batch.ids", ids(c, table).toString(), "[1, 2, 3, 4, 5, 6]");
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM cypher($$ MATCH (p:" + table
                + ") WHERE p.id > $min RETURN p.name ORDER BY p.id $$, ?::json) AS (name text)")) {
            ps.setString(1, "{\"min\": 4}");
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString("name"));
                }
            }
            check("batch.match", names.toString(), "[n5, n6]");
        }
    }

    private static void transaction(Connection c, String table) throws SQLException {
        String create = "SELECT * FROM cypher($$ CREATE (:" + table + " {id: $id}) $$, ?::json) AS (r text)";
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(create)) {
            ps.setString(1, "{\"id\": 100}");
            ps.execute();
            c.commit();
            ps.setString(1, "{\"id\": 101}");
            ps.execute();
            check("tx.visible_inside", ids(c, table).contains(101L), true);
            c.rollback();
        } finally {
            c.setAutoCommit(true);
        }
        List<Long> got = ids(c, table);
        check("tx.committed", got.contains(100L), true);
        check("tx.rolled_back", got.contains(101L), false);

        // An error fails the block (25P02) until rollback.
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            try {
                st.execute("SELECT 1/0");
                fail("tx.division", "no error");
            } catch (SQLException e) {
                check("tx.division", e.getSQLState(), "22012");
            }
            try {
                st.execute("SELECT 1");
                fail("tx.aborted", "no error");
            } catch (SQLException e) {
                check("tx.aborted", e.getSQLState(), "25P02");
            }
            c.rollback();
            try (ResultSet rs = st.executeQuery("SELECT 5")) {
                rs.next();
                check("tx.after_rollback", rs.getInt(1), 5);
            }
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void errors(Connection c) throws SQLException {
        String[][] cases = {
            {"SELECT 'abc'::int4", "22P02"},
            {"SELEC 1", "42601"},
            {"SHOW no_such_setting_xyz", "42704"},
        };
        for (String[] cs : cases) {
            try (Statement st = c.createStatement()) {
                st.executeQuery(cs[0]);
                fail("error." + cs[1], "no error for " + cs[0]);
            } catch (SQLException e) {
                check("error." + cs[1], e.getSQLState(), cs[1]);
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 'alive'")) {
            rs.next();
            check("error.connection_alive", rs.getString(1), "alive");
        }
    }
}
