"""Reading user input into :class:`unspun.document.Article` objects: every kind of input, one way.

- :mod:`.dispatch`: the entry points (:func:`~.dispatch.iter_articles`, ...) and the dispatch
  between input kinds (stdin, URL, folder, file);
- :mod:`.encoding`: reading bytes safely and the one decoding rule of every input;
- :mod:`.text`, :mod:`.html`, :mod:`.jsonl`, :mod:`.feed`, :mod:`.url`: the formats;
- :mod:`.report`: what a run read, analysed, skipped and why.
"""
