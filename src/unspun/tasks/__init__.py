"""The research tasks unspun's models are measured on, shared by the runtime and training.

One module per benchmark: :mod:`.ptc` (SemEval-2020 Task 11, the Propaganda Techniques Corpus:
corpus reader and the SI/TC file formats) with its official scorer :mod:`.ptc_scorer`, and
:mod:`.semeval2023` (SemEval-2023 Task 3 subtasks 1-3: corpus reader and formats) with
:mod:`.semeval2023_scorer`; the who-says-what corpora: :mod:`.polnear` (attribution) with
:mod:`.attribution_scorer`, :mod:`.checkthat` (CheckThat! 2024 check-worthiness), :mod:`.newsmtsc`
(target sentiment) and :mod:`.entity_roles` (SemEval-2025 Task 10 entity framing), scored by
:mod:`.whosays_scorer`; :mod:`.evaluation` scores files or rows with them (``unspun evaluate``)
and :mod:`.prediction` fills official templates. Nothing here imports ``training`` or the CLI.
"""
