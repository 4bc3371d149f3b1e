"""Letters: demand letters, notices and leaflets rendered from plain data to HTML and PDF.

The package knows nothing about the database. The integrator fills a
:class:`casework.letters.context.LetterContext` and calls the public functions:

- ``context``: ``LetterKind``, ``Demand``, ``LetterContext``, ``to_snapshot``, ``from_snapshot``
  (the JSON-safe snapshot stored with a frozen letter).
- ``rendering``: ``render_html``, ``render_pdf``, ``render_pdf_from_html``,
  ``render_pdf_from_htmls``, ``warm_up``, ``harfbuzz_subset_available`` and the
  ``LetterRenderError`` / ``UnsafeResourceError`` / ``LetterTooLong`` / ``RendererBusy``
  exceptions.
- ``texts``: a letter's own words per language (``LetterVersion.texts``): drafted from the
  case's facts, what is still to write, what each kind may hold.
- ``limits``: how many demands and how much text a letter may hold, and its page limit.
- ``batch``: ``render_many`` (every core), ``render_combined`` (one printable PDF),
  ``zip_pdfs``.
- ``fetcher``: the URL fetcher that serves only ``casework/letters/assets/``; ``ASSETS_DIR``
  for a route that serves the same files to the HTML preview.

The same Jinja templates (``templates/letters/``) make the HTML preview and the PDF; every
user-entered string is autoescaped, and WeasyPrint can reach nothing but the bundled assets.
``context`` and ``i18n`` are plain Python; ``rendering``, ``fetcher`` and ``batch`` import
WeasyPrint (~1 s, once per process).
"""
