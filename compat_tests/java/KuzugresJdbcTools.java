// The connect-and-browse sessions of DBeaver and Metabase, replayed over pgjdbc with the SQL
// those tools send, and printed in a normalized text form so that the answers of two servers
// (kuzugres and PostgreSQL 15) can be compared section by section.
//
// Usage: java KuzugresJdbcTools <host> <port> <database> <user> [<setup.sql>]
//
// Where the SQL comes from (the statements are copied as the tools' sources spell them; they
// are the interface these tools speak, and nothing else of those sources is used here):
//
// DBeaver, repository dbeaver/dbeaver, plugin plugins/org.jkiss.dbeaver.ext.postgresql (paths
// below under src/org/jkiss/dbeaver/ext/postgresql/), read from public copies of the sources:
// PostgreDatabase, PostgreSchema, JDBCTable and ExecuteInsertBatchImpl with the "Copyright (C)
// 2010-2024 DBeaver Corp" header (DBeaver 24.x); PostgreExecutionContext at commit 86cfe3591e09
// (2010-2021 header); PostgreDataSource.SettingCache, PostgreSequence and PostgreViewBase from
// the current copies. DBeaver 25.3 still sends the columns query below verbatim (its text as a
// server's pg_stat_activity showed it for "DBeaver 25.3.3 - Metadata").
//   [DS]  model/PostgreExecutionContext.java  refreshDefaults()
//   [SE]  model/PostgreDataSource.java        SettingCache (standard_conforming_strings is
//                                             read on connect)
//   [SQ]  model/PostgreSequence.java          loadAdditionalInfo() (server 10+)
//   [VW]  model/PostgreViewBase.java          getObjectDefinitionText() (a view's source)
//   [DB]  model/PostgreDatabase.java          readDatabaseInfo(), SchemaCache, cacheDataTypes(),
//                                             EnumValueCache, AccessMethodCache, RoleCache,
//                                             TablespaceCache (a table's owner and tablespace)
//   [SC]  model/PostgreSchema.java            TableCache (lookup and children), ConstraintCache,
//                                             IndexCache
//   [JT]  org.jkiss.dbeaver.model/src/org/jkiss/dbeaver/model/impl/jdbc/struct/JDBCTable.java
//                                             readData(), countData(), updateData(),
//                                             deleteData()
//   [IB]  org.jkiss.dbeaver.model/src/org/jkiss/dbeaver/model/impl/data/
//         ExecuteInsertBatchImpl.java         the INSERT of a new row (NULL cells left out so
//                                             defaults apply; generated keys read back)
//   [DS]  PostgreExecutionContext.setSearchPath(): making a schema the active one
//   [RM]  model/jdbc/PostgreResultSetMetaDataImpl.java: a result column's table and schema are
//         pgjdbc's PGResultSetMetaData.getBaseTableName/getBaseSchemaName.
// DBeaver binds OIDs with setLong and reads a table's first page with a plain SELECT limited by
// Statement.setMaxRows (its default does not rewrite the query with LIMIT).
//
// Metabase, repository metabase/metabase, v0.62 (src/metabase/driver/postgres.clj at commit
// 008fd6675457: get-tables-sql, describe-fields-sql, describe-fks-sql, enum-types,
// db-default-timezone, current-user-table-privileges, date-trunc;
// src/metabase/driver/sql_jdbc/sync/describe_database.clj: all-schemas via
// DatabaseMetaData.getSchemas, simple-select-probe-query). Metabase builds its queries with
// HoneySQL 2 (quoted ANSI identifiers, non-inline literals as parameters); the text below is
// that rendering as a published capture of Metabase v0.62.1.5 syncing PostgreSQL shows it,
// with the same parameters. The getColumns/getPrimaryKeys/ResultSetMetaData steps are the
// pgjdbc calls Metabase makes; the table preview and the count by month are MBQL questions
// compiled the same way (qualified columns, the UI's 2000-row limit, DATE_TRUNC).
//
// Output: every section prints "== <name>" and one line per row, "COLUMN=value|...". A value
// of type oid that names a user object (16384 and above) prints as <oid>; rows print in the
// server's order where the query has an ORDER BY and sorted where it has none.
// A section that throws prints "!! <sqlstate> <message>" instead of its rows.

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGResultSetMetaData;

public class KuzugresJdbcTools {

    /** First OID of a user object in PostgreSQL; smaller ones are built-in and stable. */
    private static final long FIRST_USER_OID = 16384;

    /**
     * Columns whose values are a server's bookkeeping or statistics, not its answer (printed
     * as <n/a>): transaction-ID horizons; the TOAST table of a table with long columns (kuzugres
     * has none: Kuzu stores long values itself); an index's size and scan count (kuzugres
     * reports 0 bytes for every relation, and keeps no scan statistics).
     */
    private static final Set<String> BOOKKEEPING = Set.of(
            "relfrozenxid", "relminmxid", "datfrozenxid", "datminmxid", "reltoastrelid",
            "index_rel_size", "index_num_scans");

    private static String value(ResultSet rs, ResultSetMetaData md, int i, Set<String> masked)
            throws SQLException {
        String value = rs.getString(i);
        if (value == null) {
            return "NULL";
        }
        if (BOOKKEEPING.contains(md.getColumnLabel(i))) {
            return "<n/a>";
        }
        if (masked.contains(md.getColumnLabel(i))) {
            return "<masked>";
        }
        if ("oid".equals(md.getColumnTypeName(i)) && Long.parseLong(value) >= FIRST_USER_OID) {
            return "<oid>";
        }
        return value.replace("\n", "\\n");
    }

    private static String row(ResultSet rs, Set<String> masked) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (i > 1) {
                out.append('|');
            }
            out.append(md.getColumnLabel(i)).append('=').append(value(rs, md, i, masked));
        }
        return out.toString();
    }

    private static List<Map<String, String>> print(ResultSet rs, boolean sort) throws SQLException {
        return print(rs, sort, Set.of());
    }

    /** Print the rows (`masked`: columns whose values this comparison leaves out). */
    private static List<Map<String, String>> print(ResultSet rs, boolean sort, Set<String> masked)
            throws SQLException {
        List<String> lines = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
            lines.add(row(rs, masked));
            Map<String, String> raw = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                raw.putIfAbsent(md.getColumnLabel(i), rs.getString(i));
            }
            rows.add(raw);
        }
        if (sort) {
            Collections.sort(lines);
        }
        for (String line : lines) {
            System.out.println(line);
        }
        return rows;
    }

    /** A prepared statement with its parameters (Long, Integer or String), as the tool binds them. */
    private static List<Map<String, String>> prepared(Connection conn, String sql, boolean sort,
            Object... params) throws SQLException {
        return prepared(conn, sql, sort, Set.of(), params);
    }

    private static List<Map<String, String>> prepared(Connection conn, String sql, boolean sort,
            Set<String> masked, Object... params) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p instanceof Long) {
                    st.setLong(i + 1, (Long) p);
                } else if (p instanceof Integer) {
                    st.setInt(i + 1, (Integer) p);
                } else {
                    st.setString(i + 1, (String) p);
                }
            }
            try (ResultSet rs = st.executeQuery()) {
                return print(rs, sort, masked);
            }
        }
    }

    private static List<Map<String, String>> simple(Connection conn, String sql, boolean sort)
            throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return print(rs, sort);
        }
    }

    /** What a result-set viewer asks of each column to decide whether it can edit it. */
    private static void describe(ResultSetMetaData md) throws SQLException {
        PGResultSetMetaData pg = md.unwrap(PGResultSetMetaData.class);
        for (int i = 1; i <= md.getColumnCount(); i++) {
            System.out.println(String.join("|",
                    "label=" + md.getColumnLabel(i),
                    "name=" + md.getColumnName(i),
                    "basetable=" + pg.getBaseTableName(i),
                    "baseschema=" + pg.getBaseSchemaName(i),
                    "basecolumn=" + pg.getBaseColumnName(i),
                    "type=" + md.getColumnType(i),
                    "typename=" + md.getColumnTypeName(i),
                    "nullable=" + md.isNullable(i),
                    "autoincrement=" + md.isAutoIncrement(i),
                    "precision=" + md.getPrecision(i),
                    "scale=" + md.getScale(i),
                    "displaysize=" + md.getColumnDisplaySize(i),
                    "readonly=" + md.isReadOnly(i),
                    "writable=" + md.isWritable(i)));
        }
    }

    private static String oidOf(List<Map<String, String>> rows, String key, String name) {
        for (Map<String, String> r : rows) {
            if (name.equals(r.get(key))) {
                return r.get("oid");
            }
        }
        throw new IllegalStateException("no row with " + key + "=" + name);
    }

    // ---------------------------------------------------------------- DBeaver

    // [DS] PostgreExecutionContext.refreshDefaults
    private static final String DBEAVER_DEFAULTS = "SELECT current_schema(),session_user";
    // [DB] PostgreDatabase.SchemaCache (no navigator filter)
    private static final String DBEAVER_SCHEMAS =
            "SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n\n"
            + "LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0"
            + " AND d.classoid='pg_namespace'::regclass\n"
            + " ORDER BY nspname";
    // [DB] PostgreDatabase.readDatabaseInfo
    private static final String DBEAVER_DATABASE =
            "SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname=?";
    // [SE] PostgreDataSource.SettingCache (one setting by name)
    private static final String DBEAVER_SETTING = "select * from pg_catalog.pg_settings where name=?";
    // [SQ] PostgreSequence.loadAdditionalInfo
    private static final String DBEAVER_SEQUENCE =
            "SELECT * from pg_catalog.pg_sequences WHERE schemaname=? AND sequencename=?";
    // [DB] PostgreDatabase.cacheDataTypes (server 10+, not reading all types)
    private static final String DBEAVER_TYPES =
            "SELECT t.oid,t.*,c.relkind,format_type(nullif(t.typbasetype, 0), t.typtypmod)"
            + " as base_type_name, d.description\n"
            + "FROM pg_catalog.pg_type t\n"
            + "LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=t.typelem \n"
            + "LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid=t.typrelid\n"
            + "LEFT OUTER JOIN pg_catalog.pg_description d ON t.oid=d.objoid\n"
            + "WHERE t.typname IS NOT NULL\n"
            + "AND (c.relkind IS NULL OR c.relkind = 'c')"
            + " AND (et.typcategory IS NULL OR et.typcategory <> 'C')";
    // [DB] PostgreDatabase.EnumValueCache
    private static final String DBEAVER_ENUMS = "SELECT * FROM pg_catalog.pg_enum";
    // [SC] PostgreSchema.TableCache.prepareLookupStatement (server 10+, whole schema)
    private static final String DBEAVER_TABLES =
            "SELECT c.oid,c.*,d.description,pg_catalog.pg_get_expr(c.relpartbound, c.oid)"
            + " as partition_expr,  pg_catalog.pg_get_partkeydef(c.oid) as partition_key \n"
            + "FROM pg_catalog.pg_class c\n"
            + "LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0"
            + " AND d.classoid='pg_class'::regclass\n"
            + "WHERE c.relnamespace=? AND c.relkind not in ('i','I','c')";
    // [SC] PostgreSchema.TableCache.prepareChildrenStatement (server with sequences, one table)
    private static final String DBEAVER_COLUMNS =
            "SELECT c.relname,a.*,pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value,"
            + "dsc.description,dep.objid\n"
            + "FROM pg_catalog.pg_attribute a\n"
            + "INNER JOIN pg_catalog.pg_class c ON (a.attrelid=c.oid)\n"
            + "LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid=ad.adrelid"
            + " AND a.attnum = ad.adnum)\n"
            + "LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid"
            + " AND a.attnum = dsc.objsubid)\n"
            + "LEFT OUTER JOIN pg_depend dep on dep.refobjid = a.attrelid AND dep.deptype = 'i'"
            + " and dep.refobjsubid = a.attnum and dep.classid = dep.refclassid\n"
            + "WHERE NOT a.attisdropped AND c.relkind not in ('i','I','c') AND c.oid=?\n"
            + "ORDER BY a.attnum";
    // [SC] PostgreSchema.ConstraintCache (whole schema; the per-table form ends c.conrelid=?)
    private static final String DBEAVER_CONSTRAINTS =
            "SELECT c.oid,c.*,t.relname as tabrelname,rt.relnamespace as refnamespace,"
            + "d.description, case when c.contype='c' then \"substring\"(pg_get_constraintdef(c.oid),"
            + " 7) else null end consrc_copy\n"
            + "FROM pg_catalog.pg_constraint c\n"
            + "INNER JOIN pg_catalog.pg_class t ON t.oid=c.conrelid\n"
            + "LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid=c.confrelid\n"
            + "LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0"
            + " AND d.classoid='pg_constraint'::regclass\n"
            + "WHERE ";
    // [SC] PostgreSchema.IndexCache (server with expression indexes and relation sizes)
    private static final String DBEAVER_INDEXES =
            "SELECT i.*,i.indkey as keys,c.relname,c.relnamespace,c.relam,c.reltablespace,"
            + "tc.relname as tabrelname,dsc.description,"
            + "pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred_expr,"
            + "pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr,"
            + "pg_catalog.pg_relation_size(i.indexrelid) as index_rel_size,"
            + "pg_catalog.pg_stat_get_numscans(i.indexrelid) as index_num_scans\n"
            + "FROM pg_catalog.pg_index i\n"
            + "INNER JOIN pg_catalog.pg_class c ON c.oid=i.indexrelid\n"
            + "INNER JOIN pg_catalog.pg_class tc ON tc.oid=i.indrelid\n"
            + "LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid=dsc.objoid\n"
            + "WHERE  i.indrelid=? ORDER BY c.relname";
    // [DB] PostgreDatabase.AccessMethodCache (an index's relam resolves here)
    // [DB] PostgreDatabase.RoleCache (PostgreSQL: comments on roles)
    private static final String DBEAVER_ROLES =
            "SELECT a.oid,a.*,pd.description FROM pg_catalog.pg_roles a \n"
            + "left join pg_catalog.pg_shdescription pd on a.oid = pd.objoid\n"
            + "ORDER BY a.rolname";
    // [DB] PostgreDatabase.TablespaceCache (with tablespace locations)
    private static final String DBEAVER_TABLESPACES =
            "SELECT t.oid,t.*,pg_tablespace_location(t.oid) loc\n"
            + "FROM pg_catalog.pg_tablespace t \n"
            + "ORDER BY t.oid";
    private static final String DBEAVER_ACCESS_METHODS =
            "SELECT am.oid,am.* FROM pg_catalog.pg_am am \nORDER BY am.oid";

    private static void dbeaver(String url) throws SQLException {
        try (Connection conn = DriverManager.getConnection(
                url + "&ApplicationName=DBeaver 24.3.0 - Main <kuzugres>")) {
            KuzugresJdbcMeta.section("dbeaver: context defaults",
                    () -> prepared(conn, DBEAVER_DEFAULTS, false));
            Map<String, String> schemaOids = new LinkedHashMap<>();
            KuzugresJdbcMeta.section("dbeaver: schemas", () -> {
                List<Map<String, String>> rows = prepared(conn, DBEAVER_SCHEMAS, false);
                for (String name : new String[] {"public", "inventory"}) {
                    schemaOids.put(name, oidOf(rows, "nspname", name));
                }
            });
            KuzugresJdbcMeta.section("dbeaver: search_path", () -> simple(conn, "SHOW search_path", false));
            // The database's OID: kuzugres's one database has a fixed OID below the first
            // user OID; the reference server's `kuzugres` was created, so above it.
            KuzugresJdbcMeta.section("dbeaver: database", () -> prepared(conn, DBEAVER_DATABASE, false,
                    Set.of("oid"), "kuzugres"));
            KuzugresJdbcMeta.section("dbeaver: setting standard_conforming_strings", () -> prepared(conn,
                    DBEAVER_SETTING, false, "standard_conforming_strings"));
            KuzugresJdbcMeta.section("dbeaver: data types", () -> prepared(conn, DBEAVER_TYPES, true));
            KuzugresJdbcMeta.section("dbeaver: enum values", () -> prepared(conn, DBEAVER_ENUMS, true));

            Map<String, String> tableOids = new LinkedHashMap<>();
            for (Map.Entry<String, String> schema : schemaOids.entrySet()) {
                long nsp = Long.parseLong(schema.getValue());
                KuzugresJdbcMeta.section("dbeaver: tables " + schema.getKey(), () -> {
                    for (Map<String, String> r : prepared(conn, DBEAVER_TABLES, true, nsp)) {
                        tableOids.put(schema.getKey() + "." + r.get("relname"), r.get("oid"));
                    }
                });
                KuzugresJdbcMeta.section("dbeaver: constraints " + schema.getKey(), () -> prepared(conn,
                        DBEAVER_CONSTRAINTS + "t.relnamespace=?\nORDER BY c.oid", true, nsp));
            }
            for (String table : new String[] {"public.customers", "public.orders",
                    "public.order_lines", "public.order_totals", "inventory.items"}) {
                KuzugresJdbcMeta.section("dbeaver: columns " + table, () -> prepared(conn, DBEAVER_COLUMNS, false,
                        Long.parseLong(tableOids.get(table))));
                KuzugresJdbcMeta.section("dbeaver: indexes " + table, () -> prepared(conn, DBEAVER_INDEXES, false,
                        Long.parseLong(tableOids.get(table))));
            }
            KuzugresJdbcMeta.section("dbeaver: table constraints public.orders", () -> prepared(conn,
                    DBEAVER_CONSTRAINTS + "c.conrelid=?\nORDER BY c.oid", true,
                    Long.parseLong(tableOids.get("public.orders"))));
            for (String[] seq : new String[][] {{"public", "customers_id_seq"},
                    {"inventory", "item_no"}}) {
                KuzugresJdbcMeta.section("dbeaver: sequence " + seq[0] + "." + seq[1], () -> prepared(conn,
                        DBEAVER_SEQUENCE, false, seq[0], seq[1]));
            }
            // [VW] a view's definition tab (the OID bound as a long)
            KuzugresJdbcMeta.section("dbeaver: view definition public.order_totals", () -> prepared(conn,
                    "SELECT pg_get_viewdef(?, true)", false,
                    Long.parseLong(tableOids.get("public.order_totals"))));
            KuzugresJdbcMeta.section("dbeaver: access methods",
                    () -> prepared(conn, DBEAVER_ACCESS_METHODS, false));
            KuzugresJdbcMeta.section("dbeaver: roles", () -> prepared(conn, DBEAVER_ROLES, false));
            KuzugresJdbcMeta.section("dbeaver: tablespaces", () -> prepared(conn, DBEAVER_TABLESPACES, false));

            // [JT] readData: the data editor's first page of a table, then what it asks of
            // the result to make it editable.
            KuzugresJdbcMeta.section("dbeaver: read data public.customers", () -> {
                try (Statement st = conn.createStatement()) {
                    st.setMaxRows(200);
                    st.setFetchSize(200);
                    try (ResultSet rs = st.executeQuery("SELECT * FROM public.customers")) {
                        describe(rs.getMetaData());
                        print(rs, false);
                    }
                }
            });
            KuzugresJdbcMeta.section("dbeaver: read data inventory.items", () -> {
                try (Statement st = conn.createStatement()) {
                    st.setMaxRows(200);
                    st.setFetchSize(200);
                    try (ResultSet rs = st.executeQuery("SELECT * FROM inventory.items")) {
                        describe(rs.getMetaData());
                        print(rs, false);
                    }
                }
            });
            // [JT] updateData: the edited cell, keyed by the primary key DBeaver read from
            // the constraint cache; then the page is read again.
            KuzugresJdbcMeta.section("dbeaver: update cell public.customers", () -> {
                try (PreparedStatement st = conn.prepareStatement(
                        "UPDATE public.customers\n\tSET name=?\n\tWHERE id=?")) {
                    st.setString(1, "Bea");
                    st.setInt(2, 2);
                    System.out.println("updated=" + st.executeUpdate());
                }
                try (Statement st = conn.createStatement()) {
                    st.setMaxRows(200);
                    try (ResultSet rs = st.executeQuery("SELECT * FROM public.customers")) {
                        print(rs, true);
                    }
                }
            });
            KuzugresJdbcMeta.section("dbeaver: update cell inventory.items", () -> {
                try (PreparedStatement st = conn.prepareStatement(
                        "UPDATE inventory.items\n\tSET state=?\n\tWHERE sku=?")) {
                    // An enum cell: DBeaver binds the label as a string of unknown type.
                    st.setObject(1, "sold_out", java.sql.Types.OTHER);
                    st.setString(2, "A-1");
                    System.out.println("updated=" + st.executeUpdate());
                }
                simple(conn, "SELECT * FROM inventory.items", true);
            });
            // [IB] a new row with its serial id left out, the generated keys read back;
            // [JT] deleteData: that row deleted again by its key.
            KuzugresJdbcMeta.section("dbeaver: insert row public.customers", () -> {
                try (PreparedStatement st = conn.prepareStatement(
                        "INSERT INTO public.customers (email,name)\n\tVALUES (?,?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    st.setString(1, "c@example.com");
                    st.setString(2, "Cy");
                    System.out.println("inserted=" + st.executeUpdate());
                    try (ResultSet keys = st.getGeneratedKeys()) {
                        print(keys, false);
                    }
                }
            });
            KuzugresJdbcMeta.section("dbeaver: delete row public.customers", () -> {
                try (PreparedStatement st = conn.prepareStatement(
                        "DELETE FROM public.customers\n\tWHERE id=?")) {
                    st.setInt(1, 3);
                    System.out.println("deleted=" + st.executeUpdate());
                }
                simple(conn, "SELECT * FROM public.customers", true);
            });
            // [JT] countData: the status bar's row count.
            KuzugresJdbcMeta.section("dbeaver: count public.orders",
                    () -> prepared(conn, "SELECT COUNT(*) FROM public.orders", false));
            // [DS] the navigator's "set active schema": the default path with the schema
            // first after "$user", then the context defaults read again.
            KuzugresJdbcMeta.section("dbeaver: set active schema inventory", () -> {
                try (Statement st = conn.createStatement()) {
                    st.execute("SET search_path = \"$user\",inventory,public");
                }
                prepared(conn, DBEAVER_DEFAULTS, false);
                simple(conn, "SHOW search_path", false);
                simple(conn, "SELECT * FROM items", true);
            });
        }
    }

    // ---------------------------------------------------------------- Metabase

    private static final String METABASE_TABLE_PRIVILEGES =
            "with table_privileges as (\n"
            + "\t select\n"
            + "\t   NULL as role,\n"
            + "\t   t.schemaname as schema,\n"
            + "\t   t.objectname as table,\n"
            + "\t   pg_catalog.has_any_column_privilege(current_user, '\"' || replace(t.schemaname,"
            + " '\"', '\"\"') || '\"' || '.' || '\"' || replace(t.objectname, '\"', '\"\"') || '\"',"
            + "  'update') as update,\n"
            + "\t   pg_catalog.has_any_column_privilege(current_user, '\"' || replace(t.schemaname,"
            + " '\"', '\"\"') || '\"' || '.' || '\"' || replace(t.objectname, '\"', '\"\"') || '\"',"
            + "  'select') as select,\n"
            + "\t   pg_catalog.has_any_column_privilege(current_user, '\"' || replace(t.schemaname,"
            + " '\"', '\"\"') || '\"' || '.' || '\"' || replace(t.objectname, '\"', '\"\"') || '\"',"
            + "  'insert') as insert,\n"
            + "\t   pg_catalog.has_table_privilege(     current_user, '\"' || replace(t.schemaname,"
            + " '\"', '\"\"') || '\"' || '.' || '\"' || replace(t.objectname, '\"', '\"\"') || '\"',"
            + "  'delete') as delete\n"
            + "\t from (\n"
            + "\t   select schemaname, tablename as objectname from pg_catalog.pg_tables\n"
            + "\t   union\n"
            + "\t   select schemaname, viewname as objectname from pg_catalog.pg_views\n"
            + "\t   union\n"
            + "\t   select schemaname, matviewname as objectname from pg_catalog.pg_matviews\n"
            + "\t ) t\n"
            + "\t where t.schemaname !~ '^pg_'\n"
            + "\t   and t.schemaname <> 'information_schema'\n"
            + "\t   and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage')\n"
            + "\t)\n"
            + "\tselect t.*\n"
            + "\tfrom table_privileges t";
    private static final String METABASE_TABLES =
            "SELECT \"n\".\"nspname\" AS \"schema\", \"c\".\"relname\" AS \"name\","
            + " CASE \"c\".\"relkind\" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE'"
            + " WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN"
            + " 'MATERIALIZED VIEW' ELSE NULL END AS \"type\", \"d\".\"description\" AS"
            + " \"description\", NULLIF(\"stat\".\"n_live_tup\", ?) AS \"estimated_row_count\""
            + " FROM \"pg_catalog\".\"pg_class\" AS \"c\" INNER JOIN \"pg_catalog\".\"pg_namespace\""
            + " AS \"n\" ON \"c\".\"relnamespace\" = \"n\".\"oid\" LEFT JOIN"
            + " \"pg_catalog\".\"pg_description\" AS \"d\" ON (\"c\".\"oid\" = \"d\".\"objoid\")"
            + " AND (\"d\".\"objsubid\" = ?) AND (\"d\".\"classoid\" = 'pg_class'::regclass)"
            + " LEFT JOIN \"pg_stat_user_tables\" AS \"stat\" ON (\"n\".\"nspname\" ="
            + " \"stat\".\"schemaname\") AND (\"c\".\"relname\" = \"stat\".\"relname\") WHERE"
            + " (\"c\".\"relnamespace\" = \"n\".\"oid\") AND (\"n\".\"nspname\" !~ ?) AND"
            + " (\"n\".\"nspname\" <> ?) AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND"
            + " (\"n\".\"nspname\" IN (?, ?)) ORDER BY \"type\" ASC, \"schema\" ASC, \"name\" ASC";
    private static final String METABASE_ENUMS =
            "SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)";
    private static final String METABASE_FIELDS =
            "SELECT \"c\".\"column_name\" AS \"name\", CASE WHEN \"c\".\"udt_schema\" IN"
            + " ('public', 'pg_catalog') THEN FORMAT('%s', \"c\".\"udt_name\") ELSE"
            + " FORMAT('\"%s\".\"%s\"', \"c\".\"udt_schema\", \"c\".\"udt_name\") END AS"
            + " \"database-type\", \"c\".\"ordinal_position\" - 1 AS \"database-position\","
            + " \"c\".\"table_schema\" AS \"table-schema\", \"c\".\"table_name\" AS \"table-name\","
            + " \"pk\".\"column_name\" IS NOT NULL AS \"pk?\", COL_DESCRIPTION(CAST(CAST("
            + "FORMAT('%I.%I', CAST(\"c\".\"table_schema\" AS TEXT), CAST(\"c\".\"table_name\" AS"
            + " TEXT)) AS REGCLASS) AS OID), \"c\".\"ordinal_position\") AS \"field-comment\","
            + " ((\"column_default\" IS NULL) OR (LOWER(\"column_default\") = 'null')) AND"
            + " (\"is_nullable\" = 'NO') AND NOT (((\"column_default\" IS NOT NULL) AND"
            + " (\"column_default\" LIKE '%nextval(%')) OR (\"is_identity\" <> 'NO')) AS"
            + " \"database-required\", \"column_default\" AS \"database-default\","
            + " ((\"column_default\" IS NOT NULL) AND (\"column_default\" LIKE '%nextval(%')) OR"
            + " (\"is_identity\" <> 'NO') AS \"database-is-auto-increment\", \"is_generated\" = ?"
            + " AS \"database-is-generated\", \"is_nullable\" = 'YES' AS \"database-is-nullable\""
            + " FROM \"information_schema\".\"columns\" AS \"c\" LEFT JOIN (SELECT"
            + " \"tc\".\"table_schema\", \"tc\".\"table_name\", \"kc\".\"column_name\" FROM"
            + " \"information_schema\".\"table_constraints\" AS \"tc\" INNER JOIN"
            + " \"information_schema\".\"key_column_usage\" AS \"kc\" ON (\"tc\".\"constraint_name\""
            + " = \"kc\".\"constraint_name\") AND (\"tc\".\"table_schema\" = \"kc\".\"table_schema\")"
            + " AND (\"tc\".\"table_name\" = \"kc\".\"table_name\") WHERE \"tc\".\"constraint_type\""
            + " = 'PRIMARY KEY') AS \"pk\" ON (\"c\".\"table_schema\" = \"pk\".\"table_schema\") AND"
            + " (\"c\".\"table_name\" = \"pk\".\"table_name\") AND (\"c\".\"column_name\" ="
            + " \"pk\".\"column_name\") WHERE c.table_schema !~"
            + " '^information_schema|catalog_history|pg_' AND (\"c\".\"table_schema\" IN (?, ?))"
            + " UNION ALL SELECT \"pa\".\"attname\" AS \"name\", CASE WHEN \"ptn\".\"nspname\" IN"
            + " ('public', 'pg_catalog') THEN FORMAT('%s', \"pt\".\"typname\") ELSE"
            + " FORMAT('\"%s\".\"%s\"', \"ptn\".\"nspname\", \"pt\".\"typname\") END AS"
            + " \"database-type\", \"pa\".\"attnum\" - 1 AS \"database-position\","
            + " \"pn\".\"nspname\" AS \"table-schema\", \"pc\".\"relname\" AS \"table-name\", FALSE"
            + " AS \"pk?\", NULL AS \"field-comment\", FALSE AS \"database-required\", NULL AS"
            + " \"database-default\", FALSE AS \"database-is-auto-increment\", FALSE AS"
            + " \"database-is-generated\", FALSE AS \"database-is-nullable\" FROM"
            + " \"pg_catalog\".\"pg_class\" AS \"pc\" INNER JOIN \"pg_catalog\".\"pg_namespace\" AS"
            + " \"pn\" ON \"pn\".\"oid\" = \"pc\".\"relnamespace\" INNER JOIN"
            + " \"pg_catalog\".\"pg_attribute\" AS \"pa\" ON \"pa\".\"attrelid\" = \"pc\".\"oid\""
            + " INNER JOIN \"pg_catalog\".\"pg_type\" AS \"pt\" ON \"pt\".\"oid\" ="
            + " \"pa\".\"atttypid\" INNER JOIN \"pg_catalog\".\"pg_namespace\" AS \"ptn\" ON"
            + " \"ptn\".\"oid\" = \"pt\".\"typnamespace\" WHERE (\"pc\".\"relkind\" = 'm') AND"
            + " (\"pa\".\"attnum\" >= 1) AND (\"pn\".\"nspname\" IN (?, ?)) ORDER BY"
            + " \"table-schema\" ASC, \"table-name\" ASC, \"database-position\" ASC";
    private static final String METABASE_FKS =
            "SELECT \"fk_ns\".\"nspname\" AS \"fk-table-schema\", \"fk_table\".\"relname\" AS"
            + " \"fk-table-name\", \"fk_column\".\"attname\" AS \"fk-column-name\","
            + " \"pk_ns\".\"nspname\" AS \"pk-table-schema\", \"pk_table\".\"relname\" AS"
            + " \"pk-table-name\", \"pk_column\".\"attname\" AS \"pk-column-name\" FROM"
            + " \"pg_constraint\" AS \"c\" INNER JOIN \"pg_class\" AS \"fk_table\" ON"
            + " \"c\".\"conrelid\" = \"fk_table\".\"oid\" INNER JOIN \"pg_namespace\" AS \"fk_ns\""
            + " ON \"c\".\"connamespace\" = \"fk_ns\".\"oid\" INNER JOIN \"pg_attribute\" AS"
            + " \"fk_column\" ON \"c\".\"conrelid\" = \"fk_column\".\"attrelid\" INNER JOIN"
            + " \"pg_class\" AS \"pk_table\" ON \"c\".\"confrelid\" = \"pk_table\".\"oid\" INNER"
            + " JOIN \"pg_namespace\" AS \"pk_ns\" ON \"pk_table\".\"relnamespace\" ="
            + " \"pk_ns\".\"oid\" INNER JOIN \"pg_attribute\" AS \"pk_column\" ON"
            + " \"c\".\"confrelid\" = \"pk_column\".\"attrelid\" WHERE fk_ns.nspname !~"
            + " '^information_schema|catalog_history|pg_' AND (\"c\".\"contype\" = 'f'::char)"
            + " AND (\"fk_column\".\"attnum\" = ANY(c.conkey)) AND (\"pk_column\".\"attnum\" ="
            + " ANY(c.confkey)) AND (\"fk_ns\".\"nspname\" IN (?, ?)) ORDER BY"
            + " \"fk-table-schema\" ASC, \"fk-table-name\" ASC";

    private static void metabase(String url) throws SQLException {
        try (Connection conn = DriverManager.getConnection(url)) {
            // The connection pool's customizer and test query, then what clojure.java.jdbc
            // does to a pooled connection (pgjdbc sends the SHOW and SET).
            KuzugresJdbcMeta.section("metabase: connect", () -> {
                try (Statement st = conn.createStatement()) {
                    st.execute("SET application_name = 'Metabase v0.62.1.5'");
                }
                simple(conn, "SELECT 1", false);
                System.out.println("isolation=" + conn.getTransactionIsolation());
                simple(conn, "select current_catalog", false);
                conn.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
                conn.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                System.out.println("isolation=" + conn.getTransactionIsolation());
            });
            DatabaseMetaData meta = conn.getMetaData();
            // describe-database: the syncable schemas, the privileges, the tables.
            KuzugresJdbcMeta.section("metabase: schemas", () -> print(meta.getSchemas(), false));
            KuzugresJdbcMeta.section("metabase: table privileges",
                    () -> simple(conn, METABASE_TABLE_PRIVILEGES, true));
            KuzugresJdbcMeta.section("metabase: tables", () -> {
                try (PreparedStatement st = conn.prepareStatement(METABASE_TABLES)) {
                    st.setInt(1, 0);
                    st.setInt(2, 0);
                    st.setString(3, "^pg_");
                    st.setString(4, "information_schema");
                    st.setString(5, "inventory");
                    st.setString(6, "public");
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            // The planner's row estimate is statistics, not an answer.
                            System.out.println("schema=" + rs.getString("schema")
                                    + "|name=" + rs.getString("name")
                                    + "|type=" + rs.getString("type")
                                    + "|description=" + rs.getString("description"));
                        }
                    }
                }
            });
            KuzugresJdbcMeta.section("metabase: timezone", () -> prepared(conn, "show timezone;", false));
            // describe-fields: the enum types first, then every column of the schemas.
            KuzugresJdbcMeta.section("metabase: enum types", () -> prepared(conn, METABASE_ENUMS, true));
            KuzugresJdbcMeta.section("metabase: fields", () -> prepared(conn, METABASE_FIELDS, false,
                    "ALWAYS", "inventory", "public", "inventory", "public"));
            // The JSON-unfolding check of a table with a jsonb column, and the primary keys.
            KuzugresJdbcMeta.section("metabase: getColumns public.orders",
                    () -> print(meta.getColumns(null, "public", "orders", null), false));
            for (String table : new String[] {"customers", "orders", "order_lines", "tags"}) {
                KuzugresJdbcMeta.section("metabase: getPrimaryKeys public." + table,
                        () -> print(meta.getPrimaryKeys(null, "public", table), false));
            }
            KuzugresJdbcMeta.section("metabase: fks", () -> prepared(conn, METABASE_FKS, false,
                    "inventory", "public"));
            // Fingerprinting: the first 10000 rows of each table, text cut to 1234 characters.
            KuzugresJdbcMeta.section("metabase: fingerprint public.customers", () -> {
                try (PreparedStatement st = conn.prepareStatement("-- Metabase\n"
                        + "SELECT SUBSTRING(\"public\".\"customers\".\"name\", 1, 1234) AS"
                        + " \"substring4476\", SUBSTRING(\"public\".\"customers\".\"email\", 1, 1234)"
                        + " AS \"substring4477\" FROM \"public\".\"customers\" LIMIT 10000");
                        ResultSet rs = st.executeQuery()) {
                    describe(rs.getMetaData());
                    print(rs, true);
                }
            });
            KuzugresJdbcMeta.section("metabase: fingerprint public.orders", () -> {
                try (PreparedStatement st = conn.prepareStatement("-- Metabase\n"
                        + "SELECT \"public\".\"orders\".\"customer_id\" AS \"customer_id\","
                        + " \"public\".\"orders\".\"total\" AS \"total\","
                        + " \"public\".\"orders\".\"placed\" AS \"placed\""
                        + " FROM \"public\".\"orders\" LIMIT 10000");
                        ResultSet rs = st.executeQuery()) {
                    describe(rs.getMetaData());
                    print(rs, true);
                }
            });
            // The probe of a table whose privileges the privilege query cannot tell.
            for (String table : new String[] {"public.customers", "inventory.items"}) {
                String[] parts = table.split("\\.");
                KuzugresJdbcMeta.section("metabase: select probe " + table, () -> {
                    try (PreparedStatement st = conn.prepareStatement("SELECT TRUE AS \"_\" FROM \""
                            + parts[0] + "\".\"" + parts[1] + "\" WHERE 1 <> 1 LIMIT 0")) {
                        st.setQueryTimeout(15);
                        System.out.println("result=" + st.execute());
                    }
                });
            }
            // Browsing: a table's raw rows (the UI's 2000-row limit), then a question that
            // counts them by month (postgres.clj date-trunc: no cast of a timestamp column).
            KuzugresJdbcMeta.section("metabase: table preview public.orders", () -> prepared(conn,
                    "-- Metabase:: userID: 1 queryType: MBQL\n"
                    + "SELECT \"public\".\"orders\".\"id\" AS \"id\","
                    + " \"public\".\"orders\".\"customer_id\" AS \"customer_id\","
                    + " \"public\".\"orders\".\"total\" AS \"total\","
                    + " \"public\".\"orders\".\"placed\" AS \"placed\","
                    + " \"public\".\"orders\".\"ref\" AS \"ref\","
                    + " \"public\".\"orders\".\"extra\" AS \"extra\","
                    + " \"public\".\"orders\".\"notes\" AS \"notes\","
                    + " \"public\".\"orders\".\"tag\" AS \"tag\""
                    + " FROM \"public\".\"orders\" LIMIT 2000", true));
            KuzugresJdbcMeta.section("metabase: question count by month", () -> prepared(conn,
                    "-- Metabase:: userID: 1 queryType: MBQL\n"
                    + "SELECT DATE_TRUNC('month', \"public\".\"orders\".\"placed\") AS \"placed\","
                    + " COUNT(*) AS \"count\" FROM \"public\".\"orders\""
                    + " GROUP BY DATE_TRUNC('month', \"public\".\"orders\".\"placed\")"
                    + " ORDER BY DATE_TRUNC('month', \"public\".\"orders\".\"placed\") ASC",
                    false));
            // A saved question: the count of a table.
            KuzugresJdbcMeta.section("metabase: question count", () -> prepared(conn,
                    "-- Metabase:: userID: 1 queryType: MBQL\n"
                    + "SELECT COUNT(*) AS \"count\" FROM \"public\".\"orders\"", false));
        }
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2]
                + "?user=" + args[3] + "&connectTimeout=10&socketTimeout=120";
        if (args.length > 4) {
            try (Connection conn = DriverManager.getConnection(url)) {
                KuzugresJdbcMeta.runSetup(conn, Path.of(args[4]));
            }
        }
        dbeaver(url);
        metabase(url);
        System.out.println("DONE");
    }
}
