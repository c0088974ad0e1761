"""Who says what: readers of the corpora behind entities, attribution, check-worthy claims and
portrayal (PolNeAR, CheckThat! 2024, NewsMTSC, SemEval-2025 Task 10 entity framing), and their
official-style scorers (pure functions)."""
