"""The shared layer every app uses: disclosure control, tables, charts, PDFs, import jobs, embeddings.

It knows no domain app; domain apps call it.
"""
