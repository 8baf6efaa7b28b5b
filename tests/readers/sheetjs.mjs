// Read spreadsheets with SheetJS (npm "xlsx"), a reader xladdin did not write.
// Usage: node sheetjs.mjs FILE... ; prints one JSON object: for each file either
// {"sheets": [names], "cells": {sheet: {A1: value, ...}}} (the first 60 rows of each sheet)
// or {"error": message}. Exit status 0 as long as the files could be looked at.
import { readFileSync } from "node:fs";
import XLSX from "xlsx";

const out = {};
for (const file of process.argv.slice(2)) {
  try {
    const book = XLSX.read(readFileSync(file), { type: "buffer", sheetRows: 60 });
    const cells = {};
    for (const name of book.SheetNames) {
      const sheet = book.Sheets[name];
      cells[name] = {};
      for (const [address, cell] of Object.entries(sheet)) {
        if (!address.startsWith("!")) cells[name][address] = cell.v ?? null;
      }
    }
    out[file] = { sheets: book.SheetNames, cells };
  } catch (error) {
    out[file] = { error: String(error && error.message ? error.message : error) };
  }
}
process.stdout.write(JSON.stringify(out));
