// node-postgres against a kuzugres node. Usage: node pg_test.js <postgresql-url> <node-table>
// Prints "OK <name> <json value>" per check and "FAIL <name> ..." per failure; exits 1 on failure.
'use strict';

const { Client } = require('pg');

let failures = 0;

function ok(name, value) {
  console.log(`OK ${name} ${JSON.stringify(value)}`);
}

function check(name, got, want) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g === w) {
    ok(name, got);
  } else {
    failures += 1;
    console.log(`FAIL ${name} got=${g} want=${w}`);
  }
}

async function section(name, body) {
  try {
    await body();
  } catch (err) {
    failures += 1;
    console.log(`FAIL ${name} ${err.code || ''} ${err.message}`);
  }
}

async function ids(client, table) {
  const res = await client.query(
    `SELECT * FROM cypher($$ MATCH (p:${table}) RETURN p.id ORDER BY p.id $$) AS (id int8)`);
  return res.rows.map((r) => Number(r.id));
}

async function main() {
  const [url, table] = process.argv.slice(2);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10000,
    statement_timeout: 0, query_timeout: 60000, application_name: 'node_pg_compat' });
  await client.connect();
  try {
    await section('params', async () => {
      const res = await client.query('SELECT $1::int + 1 AS n, $2::text AS s', [41, 'héllo']);
      check('params.rows', res.rows, [{ n: 42, s: 'héllo' }]);
      check('params.fields', res.fields.map((f) => [f.name, f.dataTypeID]), [['n', 23], ['s', 25]]);
      check('params.rowCount', res.rowCount, 1);
      check('params.command', res.command, 'SELECT');
    });

    await section('types', async () => {
      const res = await client.query(
        'SELECT $1::int8 AS i8, $2::numeric AS n, $3::bool AS b, $4::float8 AS f,' +
          " $5::timestamptz AS tz, $6::jsonb AS j, $7::int4[] AS a, $8::text AS nul," +
          ' $9::uuid AS u, $10::date::text AS d',
        ['9007199254740993', '12.50', true, 2.5, new Date('2024-02-29T12:34:56.789Z'),
          JSON.stringify({ a: [1, 2] }), [1, 2, 3], null,
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29']);
      const row = res.rows[0];
      check('types.int8', row.i8, '9007199254740993');
      check('types.numeric', row.n, '12.50');
      check('types.bool', row.b, true);
      check('types.float8', row.f, 2.5);
      check('types.timestamptz', row.tz.toISOString(), '2024-02-29T12:34:56.789Z');
      check('types.jsonb', row.j, { a: [1, 2] });
      check('types.int4_array', row.a, [1, 2, 3]);
      check('types.null', row.nul, null);
      check('types.uuid', row.u, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
      check('types.date', row.d, '2024-02-29');
    });

    await section('named', async () => {
      const got = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await client.query({ name: 'double_it', text: 'SELECT $1::int4 * 2 AS d',
          values: [i] });
        got.push(res.rows[0].d);
      }
      check('named.results', got, [0, 2, 4, 6, 8]);
    });

    await section('rowmode', async () => {
      const res = await client.query({ text: "SELECT 1 AS a, 'x' AS b", rowMode: 'array' });
      check('rowmode.rows', res.rows, [[1, 'x']]);
    });

    await section('simple', async () => {
      // No parameters: the simple query protocol, several statements in one string.
      const res = await client.query("SET application_name = 'renamed'; SHOW application_name");
      check('simple.results', res.map((r) => r.command), ['SET', 'SHOW']);
      check('simple.show', res[1].rows, [{ application_name: 'renamed' }]);
    });

    await section('transaction', async () => {
      await client.query(`SELECT * FROM cypher($$ CREATE NODE TABLE ${table}` +
        '(id INT64, name STRING, PRIMARY KEY(id)) $$) AS (r text)');
      const create = `SELECT * FROM cypher($$ CREATE (:${table} {id: $id, name: $name}) $$, $1)` +
        ' AS (r text)';
      await client.query('BEGIN');
      await client.query(create, [JSON.stringify({ id: 1, name: 'Ada' })]);
      await client.query(create, [JSON.stringify({ id: 2, name: 'Alan' })]);
      check('transaction.inside', await ids(client, table), [1, 2]);
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query(create, [JSON.stringify({ id: 3, name: 'Gone' })]);
      await client.query('ROLLBACK');
      check('transaction.after', await ids(client, table), [1, 2]);
      const res = await client.query(
        `SELECT * FROM cypher($$ MATCH (p:${table}) WHERE p.id = $id RETURN p.name $$, $1::json)` +
          ' AS (name text)', [JSON.stringify({ id: 2 })]);
      check('transaction.read_back', res.rows, [{ name: 'Alan' }]);
    });

    await section('errors', async () => {
      const cases = [['SELECT 1/0', [], '22012'], ['SELECT $1::int4', ['abc'], '22P02'],
        ['SELEC 1', [], '42601'], ['SHOW no_such_setting_xyz', [], '42704']];
      for (const [sql, params, code] of cases) {
        try {
          await client.query(sql, params);
          check(`errors.${code}`, 'no error', code);
        } catch (err) {
          check(`errors.${code}`, err.code, code);
          if (code === '22012') check('errors.message', err.message, 'division by zero');
        }
      }
      await client.query('BEGIN');
      await client.query('SELECT 1/0').catch(() => {});
      const aborted = await client.query('SELECT 1').then(() => 'no error', (err) => err.code);
      check('errors.25P02', aborted, '25P02');
      await client.query('ROLLBACK');
      const res = await client.query("SELECT 'alive' AS s");
      check('errors.alive', res.rows[0].s, 'alive');
    });
  } finally {
    await client.end();
  }
  console.log(failures === 0 ? 'DONE' : `FAILURES ${failures}`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((err) => {
  console.log(`FAIL fatal ${err.code || ''} ${err.stack}`);
  process.exitCode = 2;
});
