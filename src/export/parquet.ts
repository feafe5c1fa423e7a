// A flat table as Parquet, with the column types of the table (float64, int64, utf8, bool): Apache
// Arrow builds the columns, parquet-wasm writes the file (zstd-compressed, with key-value metadata).

import type { DataType, Vector } from 'apache-arrow';
import type { Column, FlatTable } from './table';

type Arrow = typeof import('apache-arrow');

function vectorOf(arrow: Arrow, column: Column): Vector<DataType> {
  const types = { float64: () => new arrow.Float64(), int64: () => new arrow.Int64(), utf8: () => new arrow.Utf8(), bool: () => new arrow.Bool() };
  // Arrow's 64-bit integers are bigints.
  const values = column.type === 'int64' ? column.values.map((v) => (v === null ? null : BigInt(v as number))) : column.values;
  return arrow.vectorFromArray(values as unknown[], types[column.type]()) as Vector<DataType>;
}

export function toParquet(table: FlatTable, metadata: Record<string, string> = {}): Uint8Array {
  // Loaded here, not at import: Arrow takes about half a second to load and parquet-wasm compiles its
  // WebAssembly when required, which only export needs (every other command starts without them).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const arrow = require('apache-arrow') as Arrow;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parquet = require('parquet-wasm') as typeof import('parquet-wasm');
  const columns = new arrow.Table(Object.fromEntries(table.columns.map((c) => [c.name, vectorOf(arrow, c)])));
  const wasmTable = parquet.Table.fromIPCStream(arrow.tableToIPC(columns, 'stream'));
  const kv = new Map(Object.entries(metadata));
  const properties = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.ZSTD).setKeyValueMetadata(kv).build();
  return parquet.writeParquet(wasmTable, properties);
}
