"""Registry linking at the scale of CPED (4,057 real officials): import speed, linking speed,
and false merges of namesakes, beside a name-only linker measured in the same run.

    python bench/registry.py [--namesakes 400]

The registry is CPED plus the officials of the written corpus that have a unit (one person per
document and name), plus --namesakes namesakes of CPED officials placed in units of their own.
Probes: every corpus official and every namesake as written with their unit (each should reach
its own record), and each of them again with the unit of a different person (which should reach
nobody: a namesake elsewhere is someone else). The name-only baseline links a name to its first
registry person whatever the unit says.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from nlp_pipeline import corpus, paths
from nlp_pipeline.registry import Person, Post, Registry, read_registry
from nlp_pipeline.store import PersonRow, Store

CPED = paths.DATASETS / "cped-chinese-political-elite" / "background1.csv"


def corpus_persons() -> list[Person]:
    persons = {}
    for example in corpus.written():
        for official in example.officials:
            if official.get("unit") and "某" not in official["name"] and official["role"] != "petitioner":
                key = f"{example.id}/{official['name']}"
                persons[key] = Person(id=key, name=official["name"],
                                      posts=[Post(unit=official["unit"], title=official.get("title"))])
    return list(persons.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namesakes", type=int, default=400)
    args = parser.parse_args()
    if not CPED.exists():
        sys.exit(f"CPED not found at {CPED}")

    started = time.perf_counter()
    cped = read_registry(CPED).persons
    print(f"read CPED: {len(cped)} persons in {time.perf_counter() - started:.2f} s")
    namesakes = [Person(id=f"N{i}", name=p.name, posts=[Post(unit=f"第{i}号试点管理局", title="副局长")])
                 for i, p in enumerate(cped[:: max(len(cped) // args.namesakes, 1)][: args.namesakes])]
    written = corpus_persons()
    everyone = cped + namesakes + written
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'registry.sqlite'}")
        started = time.perf_counter()
        store.import_persons(everyone)
        elapsed = time.perf_counter() - started
        print(f"import into SQLite: {store.count(PersonRow)} persons in {elapsed:.2f} s "
              f"({len(everyone) / elapsed:,.0f} persons/s)")

    registry = Registry(everyone)
    own = [(p, p.posts[0].unit, p.posts[0].title, p.id) for p in namesakes + written]
    units = [unit for _, unit, _, _ in own]
    shifted = [(p, next(u for u in units[i + 1:] + units if not (u.endswith(unit) or unit.endswith(u))),
                title, None) for i, (p, unit, title, _) in enumerate(own)]
    probes = own + shifted
    first = {}
    for person in everyone:
        first.setdefault(person.name, person.id)

    started = time.perf_counter()
    links = [registry.link(p.name, title, unit) for p, unit, title, _ in probes]
    per_second = len(probes) / (time.perf_counter() - started)
    print(f"linking: {len(probes)} probes, {per_second:,.0f} mentions/s")
    print(f"{'':<26}{'correct':>9}{'false merge':>13}{'to review':>11}")
    for label, chosen in (("name-only baseline", [first.get(p.name) for p, *_ in probes]),
                          ("registry linker", [link.person_id if link.status == "linked" else None for link in links])):
        correct = sum(c == want for c, (*_, want) in zip(chosen, probes) if c is not None)
        merged = sum(c is not None and c != want for c, (*_, want) in zip(chosen, probes))
        review = sum(c is None for c in chosen)
        print(f"{label:<26}{correct:>9}{merged:>13}{review:>11}")
    for link, (p, unit, title, want) in zip(links, probes):
        if link.status == "linked" and link.person_id != want:
            print(f"  false merge: {p.name} {unit} {title} -> {link.person_id}, wanted {want}")


if __name__ == "__main__":
    main()
