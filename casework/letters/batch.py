"""Render many letters at once (e.g. every letter due this week), on every core.

Each worker renders all its letters with one renderer (fonts, stylesheet, Jinja). On Linux
workers are forked from this process after its renderer is warm, so they inherit WeasyPrint's
import (~1 s) and the loaded fonts and start rendering at once; elsewhere each worker builds
its own renderer when it starts.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import multiprocessing.util
import os
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from casework.letters import rendering
from casework.letters.context import LetterContext

Progress = Callable[[int, int], None]

# A fixed timestamp for zip entries, so the same letters always give the same archive.
_ZIP_TIMESTAMP = (2000, 1, 1, 0, 0, 0)


def available_cores() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _init_worker() -> None:
    """Runs once in each worker, so every letter it renders reuses one warm renderer."""
    if rendering.has_renderer():
        return  # forked: the parent's warm renderer came along, copy-on-write
    # Spawned (no fork on this platform): build one, and delete its font folder at exit;
    # pool workers leave through multiprocessing's exit path, which runs these finalizers.
    rendering.warm_up()
    multiprocessing.util.Finalize(None, rendering.close_renderer, exitpriority=10)


def _render_one(ctx: LetterContext) -> bytes:
    return rendering.render_pdf(ctx)


def render_many(
    contexts: Sequence[LetterContext],
    processes: int | None = None,
    progress: Progress | None = None,
) -> list[bytes]:
    """The PDF of each context, in the same order, rendered on ``processes`` cores (all by default).

    ``progress(done, total)`` is called in this process after each letter is finished. The
    first failure (e.g. :class:`~casework.letters.rendering.LetterRenderError`) cancels the
    letters not yet started and is raised. One process, or a single letter, renders here
    without a pool.
    """
    total = len(contexts)
    workers = min(processes or available_cores(), total)
    if workers <= 1:
        results = []
        for done, ctx in enumerate(contexts, start=1):
            results.append(rendering.render_pdf(ctx))
            if progress is not None:
                progress(done, total)
        return results

    # fork: workers start from this process's memory with WeasyPrint imported and the renderer
    # built and warm, so they render at full speed at once. (Fonts are memory-mapped, so
    # sharing them read-only between processes is safe.)
    methods = multiprocessing.get_all_start_methods()
    fork = "fork" in methods
    if fork:
        rendering.warm_up()
    mp_context = multiprocessing.get_context("fork" if fork else None)
    pdfs: list[bytes | None] = [None] * total
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=mp_context, initializer=_init_worker
    ) as pool:
        # Workers are forked at the first submit. Freezing the garbage collector's objects
        # first keeps the children's collections from writing to (and so copying) every page
        # of memory they share with this process.
        gc.freeze()
        try:
            futures: dict[Future[bytes], int] = {
                pool.submit(_render_one, ctx): index for index, ctx in enumerate(contexts)
            }
        finally:
            gc.unfreeze()
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                pdfs[futures[future]] = future.result()
                if progress is not None:
                    progress(done, total)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [pdf for pdf in pdfs if pdf is not None]


def render_combined(contexts: Sequence[LetterContext]) -> bytes:
    """All the letters in one PDF, for printing: each keeps its own page numbers and size.

    Rendered in this process: WeasyPrint joins laid-out documents, which cannot travel between
    processes. (Joining the bytes of render_many() would need a PDF library such as pypdf.)
    """
    if not contexts:
        raise ValueError("no letters to combine")
    htmls = [rendering.render_html(ctx) for ctx in contexts]
    return rendering.render_pdf_from_htmls(htmls)


def zip_pdfs(named: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip archive of (file name, PDF bytes) pairs, e.g. ('SEA-2026-0014-demand.pdf', ...).

    PDFs are already compressed, so entries are stored; timestamps are fixed so the same
    letters always give the same bytes. Duplicate or path-like names raise ValueError.
    """
    seen: set[str] = set()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, pdf in named:
            if not name or "/" in name or "\\" in name or name.startswith("."):
                raise ValueError(f"not a plain file name: {name!r}")
            if name in seen:
                raise ValueError(f"duplicate file name: {name!r}")
            seen.add(name)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.external_attr = 0o644 << 16
            archive.writestr(info, pdf)
    return buffer.getvalue()
