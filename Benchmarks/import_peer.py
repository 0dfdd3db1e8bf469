"""Peer for `oneshot import`: the same job in Python with json + sqlite3.

For each file: sha256 of the bytes, json.loads per line, field mapping (MATH: gold = last balanced
\\boxed{} of the solution unless `answer` is given; GSM8K: after ####), a normalised-text hash
(NFKC, LaTeX spelling variants, tokens, sha256), the other fields kept as JSON metadata, and one
SQLite transaction per file with a prepared INSERT. Usage: import_peer.py STORE FILE...
"""
import hashlib, json, os, re, sqlite3, sys, time, unicodedata

ALIASES = {"\\dfrac": "\\frac", "\\tfrac": "\\frac", "\\cfrac": "\\frac", "\\dbinom": "\\binom", "\\tbinom": "\\binom",
           "\\le": "\\leq", "\\ge": "\\geq", "\\ne": "\\neq"}
DROPPED = {"\\left", "\\right", "\\displaystyle", "\\quad", "\\qquad"}
TOKEN = re.compile(r"\\[A-Za-z]+|\\[^A-Za-z\s]|[^\W\d_]+|\d+(?:\.\d+)*|[^\s$~]")

def norm_hash(text):
    text = unicodedata.normalize("NFKC", text)
    tokens = []
    for t in TOKEN.findall(text):
        if t.startswith("\\"):
            if t in DROPPED or t in ("\\,", "\\;", "\\!", "\\:", "\\(", "\\)", "\\[", "\\]", "\\\\"):
                continue
            t = ALIASES.get(t, t)
        tokens.append(t)
    return hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:32]

def last_boxed(s):
    i = max(s.rfind("\\boxed"), s.rfind("\\fbox"))
    if i < 0:
        return None
    j = s.find("{", i)
    if j < 0:
        return None
    depth = 0
    for k in range(j, len(s)):
        if s[k] == "{":
            depth += 1
        elif s[k] == "}":
            depth -= 1
            if depth == 0:
                return s[j + 1:k]
    return None

def main():
    db = sqlite3.connect(sys.argv[1])
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript("""
        CREATE TABLE IF NOT EXISTS source_files (id INTEGER PRIMARY KEY, path TEXT, sha256 TEXT UNIQUE);
        CREATE TABLE IF NOT EXISTS examples (id INTEGER PRIMARY KEY, file_id INTEGER, position INTEGER, line INTEGER,
          source_index TEXT, problem TEXT NOT NULL, answer TEXT, solution TEXT, metadata TEXT CHECK (json_valid(metadata)), norm_hash TEXT,
          UNIQUE (file_id, position));
        CREATE INDEX IF NOT EXISTS examples_dataset ON examples(file_id, position);
    """)
    start = time.perf_counter()
    total = 0
    for path in sys.argv[2:]:
        data = open(path, "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        with db:
            cur = db.execute("INSERT INTO source_files (path, sha256) VALUES (?, ?)", (path, sha))
            file_id = cur.lastrowid
            rows = []
            for n, line in enumerate(data.split(b"\n"), 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                if "question" in row:
                    problem, solution = row["question"], row["answer"]
                    answer = solution.rsplit("####", 1)[1].strip().replace(",", "")
                    used = ("question", "answer")
                else:
                    problem, solution = row["problem"], row.get("solution")
                    answer = row.get("answer") or last_boxed(solution or "")
                    used = ("problem", "answer", "solution")
                index = row.get("unique_id") or row.get("idx")
                meta = json.dumps({k: v for k, v in row.items() if k not in used}, ensure_ascii=False, separators=(",", ":"))
                rows.append((file_id, len(rows), n, None if index is None else str(index), problem, answer, solution, meta, norm_hash(problem)))
            db.executemany("INSERT INTO examples (file_id, position, line, source_index, problem, answer, solution, metadata, norm_hash)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            total += len(rows)
    elapsed = time.perf_counter() - start
    print(json.dumps({"rows": total, "seconds": elapsed}))

main()
