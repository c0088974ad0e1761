"""Who says what at run time: the spaCy parsing, the attribution model and its rules, the
span-model features and the linear heads that the entity, attribution, claim and portrayal
components of the pipeline read. The corpora and their official-style scorers (PolNeAR,
CheckThat! 2024, NewsMTSC, SemEval-2025 Task 10 entity framing) are in :mod:`unspun.tasks`, the
training in :mod:`unspun.training`."""
