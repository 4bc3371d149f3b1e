"""Benchmark letter rendering: our warm renderer against the usual WeasyPrint call, and batches.

Run from the project root (about a minute on 2 cores):

    .venv/bin/python bench/letters.py              # the figures
    .venv/bin/python bench/letters.py --profile    # plus where a warm render spends its time

It renders the same English demand letter (one A4 page, four demands) throughout:

- ours: ``render_pdf(ctx)`` with the process's renderer warm (one FontConfiguration knowing
  only the bundled fonts, letter.css parsed once, the Jinja environment built once);
- naive: what most apps do per request, ``weasyprint.HTML(string=html).write_pdf()`` with a
  new FontConfiguration and letter.css parsed again (fonts loaded through file:// URLs);
- batch: 200 letters on 1 process, then on every core with ``render_many``;
- the largest letter of each kind that ``casework/letters/limits.py`` allows (in Spanish, so
  printed twice with its English copy): how long it holds the process's renderer.

Wall-clock times are shown with CPU times beside them: on a shared machine the CPU time of
this process is the steadier figure.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import multiprocessing
import os
import pstats
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pypdf

from casework.letters import batch, limits, rendering
from casework.letters.context import Demand, LetterContext, LetterKind
from casework.letters.fetcher import ASSETS_DIR

RENDERS = 30
# The naive call is ~5x slower: fewer samples keep the whole run under two minutes.
NAIVE_RENDERS = 20
BATCH = 200

LETTER = LetterContext(
    kind=LetterKind.DEMAND,
    language="en",
    network_name="Seattle Solidarity Network",
    network_phone="(206) 555-0142",
    network_email="info@seasol.example",
    network_address="PO Box 20182\nSeattle, WA 98102",
    page_size="A4",
    reference="SEA-2026-0014",
    letter_date=date(2026, 11, 19),
    target_name="Greenlake Property Management LLC",
    target_address="1234 Aurora Ave N\nSeattle, WA 98103",
    member_name="María José Núñez",
    wrongs=(
        "María rented unit 4 from March 2024 to September 2026.\n"
        "When she moved out, you kept her whole deposit of $1,500 without an itemized list.\n"
        "You also charged an illegal $200 'move-out fee'."
    ),
    demands=(
        Demand("money", "Return the full security deposit", Decimal("1500"), "Paid 1 March 2024"),
        Demand("money", "Double damages for bad faith", Decimal("3000"), "2 × $1,500"),
        Demand("money", "Refund the move-out fee", Decimal("200"), "Charged on the ledger"),
        Demand("action", "Give María a neutral written reference for future landlords"),
    ),
    deadline=date(2026, 12, 3),
    deadline_days=14,
    issue_label="Stolen deposit",
)


def timed(render: Callable[[], bytes], times: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each of ``times`` calls."""
    wall, cpu = [], []
    for _ in range(times):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        render()
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
    return wall, cpu


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def describe(name: str, wall: list[float], cpu: list[float]) -> None:
    print(
        f"  {name:<7} median {statistics.median(wall) * 1000:6.1f} ms   "
        f"p95 {p95(wall) * 1000:6.1f} ms   (CPU median {statistics.median(cpu) * 1000:6.1f} ms)"
    )


def naive_renderer(html: str) -> Callable[[], bytes]:
    """The usual per-request call: new font configuration, stylesheet parsed each time."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    def render() -> bytes:
        font_config = FontConfiguration()
        css = weasyprint.CSS(filename=str(ASSETS_DIR / "letter.css"), font_config=font_config)
        pdf: bytes = weasyprint.HTML(string=html, base_url=str(ASSETS_DIR) + "/").write_pdf(
            stylesheets=[css], font_config=font_config
        )
        return pdf

    return render


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def batch_rate(contexts: list[LetterContext], processes: int) -> tuple[float, float]:
    """Letters per second of wall time, and CPU milliseconds per letter (workers included)."""
    start, cpu_start = time.perf_counter(), cpu_seconds()
    pdfs = batch.render_many(contexts, processes=processes)
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    assert len(pdfs) == len(contexts)
    return len(contexts) / elapsed, cpu / len(contexts) * 1000


def _spin(iterations: int) -> None:
    total = 0
    for number in range(iterations):
        total += number * number


def machine_parallelism(processes: int) -> float:
    """How much faster ``processes`` copies of a pure-Python loop finish than one copy does.

    On a machine shared with other work this is well below ``processes``; batch figures can
    only scale as far as this.
    """
    iterations = 3_000_000
    start = time.perf_counter()
    _spin(iterations)
    one = time.perf_counter() - start
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        start = time.perf_counter()
        pool.map(_spin, [iterations] * processes)
        many = time.perf_counter() - start
    return processes * one / many


def prose(length: int, seed: int) -> str:
    """Ordinary words, ``length`` characters of them."""
    words = ("the", "landlord", "kept", "María's", "deposit", "of", "$1,500", "and", "unpaid",
             "wages", "for", "repairs", "semana", "horas")
    text = " ".join(words[(seed + n * 7) % len(words)] for n in range(length))
    return text[:length]


def largest_letter(kind: LetterKind) -> LetterContext:
    """A letter with every demand and every text at its limit (the case's own texts at the
    limits of the case forms: 10,000 characters of 'What happened' and of address)."""
    demands = tuple(
        Demand("money", prose(limits.MAX_DEMAND_DESCRIPTION, n), Decimal("99999999.99"),
               prose(limits.MAX_DEMAND_CALCULATION, n + 1))
        for n in range(limits.MAX_DEMANDS))
    extra = {key: prose(length, 3) for key, length in limits.MAX_TEXT_LENGTHS.items()}
    return dataclasses.replace(LETTER, kind=kind, language="es", demands=demands, extra=extra,
                               wrongs=prose(10_000, 1), target_address=prose(10_000, 2),
                               member_name=prose(120, 4), target_name=prose(200, 5))


def time_largest_letters() -> None:
    print(f"\nThe largest letter the limits allow ({limits.MAX_DEMANDS} demands, Spanish + "
          f"English); a render waits {rendering.LOCK_WAIT_SECONDS:.0f} s for the renderer:")
    for kind in LetterKind:
        ctx = largest_letter(kind)
        lines = limits.html_lines(rendering.render_html(ctx))
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        pdf = rendering.render_pdf(ctx)
        wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        print(f"  {kind.value:<13} {wall:5.2f} s   (CPU {cpu:5.2f} s)   {pages} pages, "
              f"{lines:,} of {limits.MAX_HTML_LINES:,} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", action="store_true", help="profile 10 warm renders")
    args = parser.parse_args()

    cores = batch.available_cores()
    print(f"Python {sys.version.split()[0]}, {cores} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"harfbuzz-subset available: {rendering.harfbuzz_subset_available()}")

    start = time.perf_counter()
    first = rendering.render_pdf(LETTER)
    print(f"first letter in this process (renderer built, fonts loaded): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms, {len(first) // 1024} KiB")

    html = rendering.render_html(LETTER)
    naive = naive_renderer(html)
    naive()  # same start for both: Pango's own caches are filled
    print(f"\nOne letter, same process ({RENDERS} renders of ours, {NAIVE_RENDERS} naive):")
    ours_wall, ours_cpu = timed(lambda: rendering.render_pdf(LETTER), RENDERS)
    naive_wall, naive_cpu = timed(naive, NAIVE_RENDERS)
    describe("ours", ours_wall, ours_cpu)
    describe("naive", naive_wall, naive_cpu)
    ratio = statistics.median(naive_wall) / statistics.median(ours_wall)
    cpu_ratio = statistics.median(naive_cpu) / statistics.median(ours_cpu)
    print(f"  naive / ours: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU")

    contexts = [
        dataclasses.replace(LETTER, reference=f"SEA-2026-{n:04d}") for n in range(BATCH)
    ]
    parallelism = machine_parallelism(cores)
    print(f"\nBatch of {BATCH} letters (render_many; pool start-up included):")
    serial, serial_cpu = batch_rate(contexts, processes=1)
    print(f"  1 process     {serial:6.1f} letters/s   (CPU {serial_cpu:5.1f} ms/letter)")
    parallel, parallel_cpu = batch_rate(contexts, processes=cores)
    print(
        f"  {cores} processes   {parallel:6.1f} letters/s   (CPU {parallel_cpu:5.1f} ms/letter)"
        f"   {parallel / serial:.2f}x"
    )
    print(
        f"  for scale: just before, {cores} processes of plain Python ran {parallelism:.2f}x "
        "one process on this machine"
    )
    time_largest_letters()
    print(f"load average now {os.getloadavg()[0]:.2f}")

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [rendering.render_pdf(LETTER) for _ in range(10)])
        print("\nWhere 10 warm renders spend their time (cumulative):")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
