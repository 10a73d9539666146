"""The actions: what each command of the grammar does, one module per family.

An action is a function `(state: EditorState, **args) -> Outcome` registered with
`@action(name, destructive=..., keeps_question=..., awake_while_asleep=...)`; see
`registry.py` for the facts an action declares and `state.py` for what it receives.
"""
