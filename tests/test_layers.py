"""The layers stay one-way (read from the imports with ast): ingest → kb → ui/app; faces use kb's public API only."""
import ast
from pathlib import Path

import kb

ROOT = Path(__file__).resolve().parent.parent


def imports(folder: str):
    """(file, imported module, names) for every import in the package's .py files, relative ones resolved."""
    for f in sorted((ROOT / folder).rglob("*.py")) if (ROOT / folder).is_dir() else [ROOT / folder]:
        pkg = f.relative_to(ROOT).with_suffix("").parts[:-1]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for a in node.names:
                    yield f.name, a.name, ()
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level:
                    base = pkg[:len(pkg) - node.level + 1]
                    mod = ".".join([*base, mod] if mod else base)
                yield f.name, mod, tuple(a.name for a in node.names)


def top(mod: str) -> str:
    return mod.split(".")[0]


def test_ingest_imports_nothing_of_kb_or_the_faces():
    bad = [(f, m) for f, m, _ in imports("ingest") if top(m) in ("kb", "ui", "app", "bench")]
    assert not bad


def test_kb_imports_nothing_of_the_faces():
    bad = [(f, m) for f, m, _ in imports("kb") if top(m) in ("ui", "app", "bench")]
    assert not bad


def test_faces_use_only_the_public_api_of_kb():
    public = set(kb.__all__)
    bad = []
    for face in ("ui", "app.py"):
        for f, m, names in imports(face):
            if top(m) == "ingest" or (top(m) == "kb" and (m != "kb" or not set(names) <= public)):
                bad.append((f, m, names))
    assert not bad, bad


def test_the_public_api_is_closed_and_exists():
    assert len(kb.__all__) == len(set(kb.__all__))
    for name in kb.__all__:
        assert hasattr(kb, name), name
