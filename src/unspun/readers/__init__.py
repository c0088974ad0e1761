"""Reading user input into :class:`unspun.document.Article` objects: every kind of input, one way.

- :mod:`.dispatch`: the entry points (:func:`~.dispatch.iter_articles`, ...) and the one dispatch
  between input kinds (stdin, URL, folder, file) that ``analyze``, ``ingest``, :func:`unspun.analyze`,
  the server and the batch engine read through;
- :mod:`.folder`: the folder rule (which entries are read, which are left out and why) and the
  count of a source, one listing for both;
- :mod:`.encoding`: reading bytes safely, the one decoding rule of every input, and the input
  limit (:data:`~.encoding.MAX_INPUT_MB`, declared once);
- :mod:`.text`, :mod:`.html`, :mod:`.markdown`, :mod:`.jsonl`, :mod:`.feed`, :mod:`.url`: the
  formats.

What a run read, analysed, left out and why is :class:`unspun.runner.RunReport`'s, whose handlers
the readers are given.
"""
