// pgjdbc's DatabaseMetaData and ResultSetMetaData answers, printed in a normalized text form so
// that the answers of two servers (kuzugres and PostgreSQL 15) can be compared line by line.
//
// Usage: java KuzugresJdbcMeta <host> <port> <database> <user> [<setup.sql>]
//
// The setup file's statements (separated by ";" at the end of a line) run first. Then every
// section prints "== <name>" and one line per row, "COLUMN=value|COLUMN=value...". Rows are
// printed in the order the driver returns them where the JDBC contract fixes that order, and
// sorted where it does not (getTypeInfo ties on DATA_TYPE, getFunctions on SPECIFIC_NAME).
// A section that throws prints "!! <sqlstate> <message>" instead of its rows.

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

public class KuzugresJdbcMeta {
    private interface Rows {
        ResultSet open() throws SQLException;
    }

    /** A section's work (shared with KuzugresJdbcTools, compiled next to this). */
    interface Body {
        void run() throws Exception;
    }

    static void section(String name, Body body) {
        System.out.println("== " + name);
        try {
            body.run();
        } catch (SQLException e) {
            System.out.println("!! " + e.getSQLState() + " " + firstLine(e.getMessage()));
        } catch (Exception e) {
            System.out.println("!! " + firstLine(e.toString()));
        }
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** One row as COLUMN=value pairs; user-object OIDs inside SPECIFIC_NAME are masked. */
    private static String row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (i > 1) {
                out.append('|');
            }
            String label = md.getColumnLabel(i);
            String value = rs.getString(i);
            out.append(label).append('=').append(value == null ? "NULL" : value);
        }
        return out.toString();
    }

    private static void print(Rows rows, boolean sort) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = rows.open()) {
            while (rs.next()) {
                lines.add(row(rs));
            }
        }
        if (sort) {
            Collections.sort(lines);
        }
        for (String line : lines) {
            System.out.println(line);
        }
    }

    private static void describe(ResultSetMetaData md) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            System.out.println(String.join("|",
                    "label=" + md.getColumnLabel(i),
                    "name=" + md.getColumnName(i),
                    "table=" + md.getTableName(i),
                    "schema=" + md.getSchemaName(i),
                    "catalog=" + md.getCatalogName(i),
                    "type=" + md.getColumnType(i),
                    "typename=" + md.getColumnTypeName(i),
                    "class=" + md.getColumnClassName(i),
                    "nullable=" + md.isNullable(i),
                    "autoincrement=" + md.isAutoIncrement(i),
                    "precision=" + md.getPrecision(i),
                    "scale=" + md.getScale(i),
                    "displaysize=" + md.getColumnDisplaySize(i),
                    "signed=" + md.isSigned(i),
                    "casesensitive=" + md.isCaseSensitive(i),
                    "currency=" + md.isCurrency(i),
                    "readonly=" + md.isReadOnly(i),
                    "writable=" + md.isWritable(i)));
        }
    }

    /** Run a query and print its rows (in the server's order) or its error. */
    private static void query(Connection conn, String name, String sql) {
        section("query " + name, () -> {
            try (Statement st = conn.createStatement()) {
                print(() -> st.executeQuery(sql), false);
            }
        });
    }

    static void runSetup(Connection conn, Path file) throws Exception {
        String text = new String(Files.readAllBytes(file), "UTF-8");
        try (Statement st = conn.createStatement()) {
            for (String statement : text.split(";\\s*\n")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2]
                + "?user=" + args[3] + "&connectTimeout=10&socketTimeout=120"
                + "&ApplicationName=kuzugres-jdbc-meta";
        try (Connection conn = DriverManager.getConnection(url)) {
            if (args.length > 4) {
                runSetup(conn, Path.of(args[4]));
            }
            DatabaseMetaData meta = conn.getMetaData();
            section("getCatalogs", () -> print(meta::getCatalogs, false));
            section("getSchemas", () -> print(meta::getSchemas, false));
            section("getSchemas(public)", () -> print(() -> meta.getSchemas(null, "pub%"), false));
            section("getTableTypes", () -> print(meta::getTableTypes, false));
            section("getTables", () -> print(() -> meta.getTables(null, "public", "%", null), false));
            section("getTables(VIEW)", () -> print(
                    () -> meta.getTables(null, null, "%", new String[] {"VIEW"}), false));
            section("getColumns", () -> print(
                    () -> meta.getColumns(null, "public", "%", "%"), false));
            for (String table : new String[] {"customers", "orders", "order_lines", "tags"}) {
                section("getPrimaryKeys " + table, () -> print(
                        () -> meta.getPrimaryKeys(null, "public", table), false));
                section("getImportedKeys " + table, () -> print(
                        () -> meta.getImportedKeys(null, "public", table), false));
                section("getExportedKeys " + table, () -> print(
                        () -> meta.getExportedKeys(null, "public", table), false));
                section("getIndexInfo " + table, () -> print(
                        () -> meta.getIndexInfo(null, "public", table, false, false), false));
                section("getIndexInfo unique " + table, () -> print(
                        () -> meta.getIndexInfo(null, "public", table, true, false), false));
                section("getBestRowIdentifier " + table, () -> print(
                        () -> meta.getBestRowIdentifier(null, "public", table,
                                DatabaseMetaData.bestRowSession, true), false));
            }
            section("getCrossReference", () -> print(() -> meta.getCrossReference(
                    null, "public", "orders", null, "public", "order_lines"), false));
            section("getTypeInfo", () -> print(meta::getTypeInfo, true));
            section("getFunctions", () -> print(() -> meta.getFunctions(null, null, "%"), true));
            section("getProcedures", () -> print(
                    () -> meta.getProcedures(null, "public", "%"), true));
            section("getUDTs", () -> print(() -> meta.getUDTs(null, "public", "%", null), false));
            section("getSuperTables", () -> print(
                    () -> meta.getSuperTables(null, "public", "%"), false));

            section("ResultSetMetaData join", () -> {
                try (Statement st = conn.createStatement();
                        ResultSet rs = st.executeQuery("SELECT o.*, c.email, c.name AS customer,"
                                + " l.qty, l.price * l.qty AS amount, t.label"
                                + " FROM orders o JOIN customers c ON c.id = o.customer_id"
                                + " LEFT JOIN order_lines l ON l.order_id = o.id"
                                + " LEFT JOIN tags t ON t.code = o.tag ORDER BY o.id")) {
                    describe(rs.getMetaData());
                }
            });

            // What DBeaver sends when it opens a PostgreSQL connection and browses public.
            conn.setReadOnly(false);
            query(conn, "current_schema", "SELECT current_schema(),session_user");
            query(conn, "show search_path", "SHOW search_path");
            query(conn, "settings",
                    "SELECT name, setting FROM pg_catalog.pg_settings WHERE name IN"
                    + " ('standard_conforming_strings', 'server_encoding', 'client_encoding',"
                    + " 'DateStyle', 'TimeZone', 'integer_datetimes', 'search_path')"
                    + " ORDER BY name");
            query(conn, "version", "SELECT substring(version() from 1 for 13)");
            query(conn, "databases",
                    "SELECT db.datname, db.datistemplate, db.datallowconn,"
                    + " pg_catalog.pg_encoding_to_char(db.encoding) AS encoding"
                    + " FROM pg_catalog.pg_database db WHERE NOT datistemplate AND datallowconn"
                    + " ORDER BY db.datname");
            query(conn, "namespaces",
                    "SELECT n.nspname, d.description FROM pg_catalog.pg_namespace n"
                    + " LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid"
                    + " AND d.objsubid=0 AND d.classoid='pg_namespace'::regclass"
                    + " WHERE nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%'"
                    + " ORDER BY nspname");
            query(conn, "classes",
                    "SELECT c.relname, c.relkind, c.relhasindex, c.relpersistence,"
                    + " c.relnatts, c.relchecks, d.description"
                    + " FROM pg_catalog.pg_class c"
                    + " LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid"
                    + " AND d.objsubid=0 AND d.classoid='pg_class'::regclass"
                    + " WHERE c.relnamespace = 'public'::regnamespace"
                    + " AND c.relkind NOT IN ('i','I','c') ORDER BY c.relname");
            query(conn, "attributes",
                    "SELECT c.relname, a.attname, a.attnum, a.atttypid::regtype, a.atttypmod,"
                    + " a.attnotnull, a.atthasdef, a.attidentity, a.attgenerated, a.attndims,"
                    + " pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) AS def_value,"
                    + " dsc.description"
                    + " FROM pg_catalog.pg_attribute a"
                    + " INNER JOIN pg_catalog.pg_class c ON (a.attrelid=c.oid)"
                    + " LEFT OUTER JOIN pg_catalog.pg_attrdef ad"
                    + " ON (a.attrelid=ad.adrelid AND a.attnum = ad.adnum)"
                    + " LEFT OUTER JOIN pg_catalog.pg_description dsc"
                    + " ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)"
                    + " WHERE NOT a.attisdropped AND a.attnum > 0"
                    + " AND c.relkind NOT IN ('i','I','c')"
                    + " AND c.relnamespace = 'public'::regnamespace"
                    + " ORDER BY c.relname, a.attnum");
            query(conn, "types",
                    "SELECT t.typname, t.typtype, t.typcategory, t.typlen, t.typarray <> 0,"
                    + " format_type(nullif(t.typbasetype, 0), t.typtypmod) AS base_type_name"
                    + " FROM pg_catalog.pg_type t"
                    + " LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=t.typelem"
                    + " LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid=t.typrelid"
                    + " WHERE t.typname IS NOT NULL AND (c.relkind IS NULL OR c.relkind = 'c')"
                    + " AND (et.typcategory IS NULL OR et.typcategory <> 'C')"
                    + " AND t.typnamespace = 'pg_catalog'::regnamespace"
                    + " AND t.typname IN ('int4', 'int8', 'text', 'varchar', 'numeric', 'bool',"
                    + " 'timestamp', 'timestamptz', 'date', 'uuid', 'jsonb', 'bytea', 'float8')"
                    + " ORDER BY t.typname");
            query(conn, "constraints",
                    "SELECT c.conname, c.contype, t.relname, c.conkey, c.confkey,"
                    + " f.relname AS ref, pg_catalog.pg_get_constraintdef(c.oid, true)"
                    + " FROM pg_catalog.pg_constraint c"
                    + " JOIN pg_catalog.pg_class t ON t.oid = c.conrelid"
                    + " LEFT JOIN pg_catalog.pg_class f ON f.oid = c.confrelid"
                    + " WHERE c.connamespace = 'public'::regnamespace ORDER BY c.conname");
            query(conn, "indexes",
                    "SELECT i.relname, t.relname, x.indisunique, x.indisprimary, x.indkey,"
                    + " pg_catalog.pg_get_indexdef(i.oid)"
                    + " FROM pg_catalog.pg_index x"
                    + " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
                    + " JOIN pg_catalog.pg_class t ON t.oid = x.indrelid"
                    + " WHERE t.relnamespace = 'public'::regnamespace ORDER BY i.relname");
            query(conn, "keywords",
                    "SELECT count(*) > 400 FROM pg_catalog.pg_get_keywords()");
            query(conn, "keywords not in SQL:2003",
                    "select string_agg(word, ',') from pg_catalog.pg_get_keywords()"
                    + " where word <> ALL ('{a,abs,absolute,action,ada,add,admin,after,all}'"
                    + "::text[])");
            query(conn, "namespace rows",
                    "SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n"
                    + " LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid"
                    + " AND d.objsubid=0 AND d.classoid='pg_namespace'::regclass"
                    + " ORDER BY nspname");

            // The free query session: plain SELECTs in a read-only, non-updatable result set.
            section("free query", () -> {
                try (Statement st = conn.createStatement(
                        ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                    st.setMaxRows(200);
                    st.setFetchSize(200);
                    try (ResultSet rs = st.executeQuery(
                            "SELECT c.id, c.email, count(o.id) AS n, sum(o.total) AS total"
                            + " FROM customers c LEFT JOIN orders o ON o.customer_id = c.id"
                            + " GROUP BY c.id, c.email ORDER BY c.id")) {
                        System.out.println("concurrency=" + rs.getConcurrency()
                                + "|type=" + rs.getType());
                        describe(rs.getMetaData());
                        while (rs.next()) {
                            System.out.println(row(rs));
                        }
                    }
                }
            });
            // A read-only connection (DBeaver's "read-only" flag): BEGIN READ ONLY.
            section("read-only transaction", () -> {
                conn.setAutoCommit(false);
                conn.setReadOnly(true);
                try (Statement st = conn.createStatement()) {
                    print(() -> st.executeQuery("SELECT current_setting('transaction_read_only'),"
                            + " count(*) FROM customers"), false);
                    try {
                        st.executeUpdate("DELETE FROM customers");
                        System.out.println("deleted");
                    } catch (SQLException e) {
                        System.out.println("!! " + e.getSQLState() + " " + firstLine(e.getMessage()));
                    }
                } finally {
                    conn.rollback();
                    conn.setReadOnly(false);
                    conn.setAutoCommit(true);
                }
            });
            section("free query view", () -> print(() -> conn.createStatement()
                    .executeQuery("SELECT * FROM order_totals ORDER BY customer_id"), false));
        }
        System.out.println("DONE");
    }
}
