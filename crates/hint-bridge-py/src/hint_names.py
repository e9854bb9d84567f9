# What a hint's code can name: the names its code objects look up (top level and nested), and
# whether it reaches names in ways a name list does not show. Run once per runner.
import types

# Names through which code sees its globals as a whole, not by name.
_DYNAMIC = frozenset({"globals", "locals", "vars", "dir", "eval", "exec", "breakpoint", "__builtins__"})
# Nested code run at once, within the hint (comprehensions before Python 3.12 inlines them).
_RUN_AT_ONCE = frozenset({"<listcomp>", "<dictcomp>", "<setcomp>"})


def hint_names(code):
    """(names, dynamic, defines_functions) of a compiled hint."""
    names = set()
    defines_functions = False
    pending = [code]
    while pending:
        current = pending.pop()
        names.update(current.co_names)
        for constant in current.co_consts:
            if isinstance(constant, types.CodeType):
                # A function, lambda, class body or generator may run after the hint, with
                # the scope as its globals: it can name anything any later hint is given.
                if constant.co_name not in _RUN_AT_ONCE:
                    defines_functions = True
                pending.append(constant)
    return sorted(names), not names.isdisjoint(_DYNAMIC), defines_functions
