// A flat table as Parquet, with the column types of the table (float64, int64, utf8, bool): Apache
// Arrow builds the columns, parquet-wasm writes the file (zstd-compressed, with key-value metadata).

import type { DataType, Vector } from 'apache-arrow';
import { Bool, Float64, Int64, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import type { Column, FlatTable } from './table';

const ARROW_TYPES = { float64: () => new Float64(), int64: () => new Int64(), utf8: () => new Utf8(), bool: () => new Bool() };

function vectorOf(column: Column): Vector<DataType> {
  // Arrow's 64-bit integers are bigints.
  const values = column.type === 'int64' ? column.values.map((v) => (v === null ? null : BigInt(v as number))) : column.values;
  return vectorFromArray(values as unknown[], ARROW_TYPES[column.type]()) as Vector<DataType>;
}

export function toParquet(table: FlatTable, metadata: Record<string, string> = {}): Uint8Array {
  // Loaded here: parquet-wasm compiles its WebAssembly when required, which only export needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parquet = require('parquet-wasm') as typeof import('parquet-wasm');
  const arrow = new Table(Object.fromEntries(table.columns.map((c) => [c.name, vectorOf(c)])));
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(arrow, 'stream'));
  const kv = new Map(Object.entries(metadata));
  const properties = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.ZSTD).setKeyValueMetadata(kv).build();
  return parquet.writeParquet(wasmTable, properties);
}
