// Offline check: main.py of an xlwings Lite workbook registers its functions in Pyodide.
//
// node registration.mjs MAIN_PY XLWINGS_DIR
// Loads Pyodide from this folder's node_modules (no network: pandas and the other packages
// of Pyodide's CDN are not loaded), copies the xlwings sources into its file system (Lite
// installs xlwings from requirements.txt), runs the workbook's main.py alone (it carries
// xladdin itself) under xlwings' own Lite decorators (xlwings.server) and prints, as JSON,
// the registration metadata they produce, which heavy modules got imported, where xladdin
// was imported from, and what it reads of its own data files there (inside the zip).
import fs from "node:fs";
import path from "node:path";
import { loadPyodide } from "pyodide";

const [mainPy, xlwingsDir] = process.argv.slice(2);
const pyodide = await loadPyodide();

function copySources(from, to) {
  pyodide.FS.mkdirTree(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory() && entry.name !== "__pycache__") {
      copySources(source, `${to}/${entry.name}`);
    } else if (entry.isFile() && /\.(py|csv|json)$/.test(entry.name)) {
      pyodide.FS.writeFile(`${to}/${entry.name}`, fs.readFileSync(source));
    }
  }
}

const site = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
copySources(xlwingsDir, `${site}/xlwings`);
pyodide.FS.writeFile("/home/pyodide/main.py", fs.readFileSync(mainPy));
console.log(pyodide.runPython(`
import json, os, sys, types
os.environ["XLWINGS_ON_SERVER"] = "true"        # xlwings' Lite/Server decorators
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
main = types.ModuleType("main")
with open("/home/pyodide/main.py", encoding="utf-8") as handle:
    exec(compile(handle.read(), "main.py", "exec"), main.__dict__)
from xlwings.server import custom_functions_meta, custom_scripts_meta
from importlib import resources
from xladdin.engine.editions import word_set
from xladdin.engine.scope import bundled_ids, load_scope
data = resources.files("xladdin.data").joinpath("partners.csv").read_text(encoding="utf-8").split(",")[0]
json.dumps({"data": data, "scopes": list(bundled_ids()), "equipment": load_scope("equipment").headings[0], "words": sorted(word_set("zh"))[:3],"platform": sys.platform, "python": sys.version.split()[0],
            "functions": custom_functions_meta(main), "scripts": custom_scripts_meta(main),
            "xladdin": sys.modules["xladdin"].__file__,
            "loaded": sorted(m for m in ("pandas", "numpy", "fastexcel", "openpyxl") if m in sys.modules)},
           ensure_ascii=False, default=str)
`));
