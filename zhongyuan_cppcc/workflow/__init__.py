"""The shared workflow engine (DESIGN.md §10): each business app declares its statuses, verbs, transition
table and actors once; permissions, row-locked services with history and audit, the POST view helper, the
detail page's action table and the generic matrix tests come from here.

    engine.py    Workflow (the declaration), loops(), the registry
    errors.py    DomainError and its common subclasses (every app's errors derive from DomainError)
    models.py    AbstractStatusChange (each app concretises it with a foreign key to its object)
    services.py  lock(), check(), transition(), history_note(), perform()
    forms.py     add_service_error(), form_error_text()
    views.py     run_service(), Action / available_actions(), VerbView
    testing.py   helpers for the generic table and role × status matrix tests
"""
