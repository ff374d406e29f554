"""The Python driver that turns a Mercury (LeetCode-style) `class Solution` into a stdin/stdout program.

A Mercury program is PRELUDE + the solution + the driver main. Its stdin holds one test case per
line, a JSON list of positional arguments (or an object of keyword arguments). For each line the
driver builds a fresh `Solution()`, converts arguments annotated `ListNode` / `TreeNode` from
LeetCode's list forms, calls the entry point and prints the result on one line in a canonical
token form (`render`): brackets and values separated by spaces, so outputs compare token by token
with a float tolerance. A method annotated `-> None` works in place: its first argument is printed;
a method returning an empty ListNode / TreeNode (None) prints [].
"""

from __future__ import annotations

import json

PRELUDE = """\
import bisect, collections, functools, heapq, itertools, math, operator, random, re, string, sys
from bisect import *
from collections import *
from functools import *
from heapq import *
from itertools import *
from math import *
from typing import *
try:
    from sortedcontainers import SortedDict, SortedList, SortedSet
except ImportError:
    pass
sys.setrecursionlimit(100000)


class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


class TreeNode:
    def __init__(self, val=0, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right

"""

RUNTIME = """\
def _bite_render(x):
    if x is None:
        return 'null'
    if x is True or x is False:
        return 'true' if x else 'false'
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return repr(x)
    if isinstance(x, str):
        import json
        return json.dumps(x)
    if isinstance(x, (list, tuple)):
        return ' '.join(['['] + [_bite_render(v) for v in x] + [']'])
    if isinstance(x, dict):
        return ' '.join(['{'] + [_bite_render(k) + ' : ' + _bite_render(v) for k, v in x.items()] + ['}'])
    if isinstance(x, (set, frozenset)):
        return _bite_render(sorted(x, key=repr))
    return _bite_render(str(x))
"""

MAIN = """

def _bite_linked(values):
    head = None
    for v in reversed(values or []):
        head = ListNode(v, head)
    return head


def _bite_tree(values):
    if not values or values[0] is None:
        return None
    nodes = [None if v is None else TreeNode(v) for v in values]
    kids = nodes[::-1]
    root = kids.pop()
    for node in nodes:
        if node is None:
            continue
        if kids:
            node.left = kids.pop()
        if kids:
            node.right = kids.pop()
    return root


def _bite_arg(value, annotation):
    text = str(annotation)
    if 'ListNode' in text:
        return [_bite_linked(v) for v in value] if text.lower().startswith(('typing.list', 'list')) else _bite_linked(value)
    if 'TreeNode' in text:
        return [_bite_tree(v) for v in value] if text.lower().startswith(('typing.list', 'list')) else _bite_tree(value)
    return value


def _bite_plain(x):
    if type(x).__name__ == 'ListNode':
        out, seen = [], 0
        while x is not None and seen < 10 ** 7:
            out.append(x.val)
            x, seen = x.next, seen + 1
        return out
    if type(x).__name__ == 'TreeNode':
        out, queue = [], [x]
        while queue:
            node = queue.pop(0)
            out.append(None if node is None else node.val)
            if node is not None:
                queue.extend([node.left, node.right])
        while out and out[-1] is None:
            out.pop()
        return out
    if isinstance(x, (list, tuple)):
        return [_bite_plain(v) for v in x]
    return x


def _bite_main(entry_point):
    import inspect, json
    signature = inspect.signature(getattr(Solution, entry_point))
    params = [p for p in signature.parameters.values() if p.name != 'self']
    returns = str(signature.return_annotation)
    in_place = signature.return_annotation is None or returns == 'None'
    out = []
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        if isinstance(case, dict):
            kwargs = {k: _bite_arg(v, signature.parameters[k].annotation) for k, v in case.items()}
            args = []
        else:
            args = [_bite_arg(v, p.annotation) for v, p in zip(case, params)]
            kwargs = {}
        result = getattr(Solution(), entry_point)(*args, **kwargs)
        if in_place:
            result = args[0] if args else next(iter(kwargs.values()), None)
        elif result is None and ('ListNode' in returns or 'TreeNode' in returns):
            result = []  # LeetCode prints an empty list or tree as []
        out.append(_bite_render(_bite_plain(result)))
    sys.stdout.write('\\n'.join(out) + '\\n')


_bite_main(ENTRY_POINT)
"""

_HOST: dict = {}


def render(value) -> str:
  """The driver's canonical one-line form of a JSON value (used for expected outputs)."""
  if not _HOST:
    exec(RUNTIME, _HOST)  # the very code the driver runs, so both sides print the same tokens
  return _HOST['_bite_render'](value)


def driver_program(solution: str, entry_point: str) -> str:
  """A complete Python program: PRELUDE + solution + RUNTIME + the main calling `entry_point`."""
  if not entry_point.isidentifier():
    raise ValueError(f'entry_point must be a Python identifier, got {entry_point!r}')
  main = MAIN.replace('ENTRY_POINT', repr(entry_point))
  return PRELUDE + solution.rstrip() + '\n\n\n' + RUNTIME + main


def case_line(case) -> str:
  """One stdin line for a test case: its argument list (or keyword object) as compact JSON."""
  return json.dumps(case, separators=(',', ':'))
