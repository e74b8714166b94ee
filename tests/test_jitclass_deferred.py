"""jitclass fields of deferred types (Numba's `deferred_type`): a class
whose fields hold its own instances (a linked list, a binary tree), built
and walked in compiled code and from Python, with leak checks; a chain
long enough that releasing it recursively would overflow the stack."""

import oxjit
import pytest
from oxjit import deferred_type, int64, njit, optional
from oxjit.experimental import jitclass

node_type = deferred_type()


@jitclass([("data", int64), ("next", optional(node_type))])
class LinkedNode:
    def __init__(self, data, next):
        self.data = data
        self.next = next

    def prepend(self, data):
        return LinkedNode(data, self)


node_type.define(LinkedNode.class_type.instance_type)


@njit
def make_list(n):
    head = LinkedNode(0, None)
    for i in range(1, n):
        head = head.prepend(i)
    return head


@njit
def walk(head):
    total, count = 0, 0
    node = head
    while node is not None:
        total += node.data
        count += 1
        node = node.next
    return total, count


def test_linked_list_built_and_walked_in_compiled_code(no_leaks):
    head = make_list(10)
    assert walk(head) == (45, 10)
    assert head.data == 9 and head.next.data == 8
    # Built from Python, the same class.
    py = LinkedNode(1, LinkedNode(2, None))
    assert walk(py) == (3, 2) and py.next.next is None
    del head, py


def test_a_long_chain_is_released_without_recursion(no_leaks):
    head = make_list(300_000)
    assert walk(head)[1] == 300_000
    del head


tree_type = deferred_type()


@jitclass([("key", int64), ("left", optional(tree_type)), ("right", optional(tree_type))])
class Tree:
    def __init__(self, key):
        self.key = key
        self.left = None
        self.right = None

    def insert(self, key):
        node = self
        while True:
            if key < node.key:
                if node.left is None:
                    node.left = Tree(key)
                    return
                node = node.left
            else:
                if node.right is None:
                    node.right = Tree(key)
                    return
                node = node.right


tree_type.define(Tree.class_type.instance_type)


@njit
def height(t):
    if t is None:
        return 0
    return 1 + max(height(t.left), height(t.right))


@njit
def build_tree(keys):
    root = Tree(keys[0])
    for k in keys[1:]:
        root.insert(k)
    return root


def test_binary_tree(no_leaks):
    import numpy as np

    keys = np.array([5, 3, 8, 1, 4, 7, 9, 2, 6])
    root = build_tree(keys)
    assert height(root) == 4
    assert root.left.right.key == 4
    del root


def test_using_a_class_before_its_deferred_type_is_defined_is_an_error():
    later = deferred_type()

    @jitclass([("x", int64), ("nxt", optional(later))])
    class Early:
        def __init__(self, x):
            self.x = x
            self.nxt = None

    with pytest.raises(TypeError, match="deferred type of field 'nxt' is not defined yet"):
        Early(1)
    later.define(Early.class_type.instance_type)
    assert Early(3).x == 3


def test_numba_spelling():
    import oxjit as numba

    assert numba.deferred_type is oxjit.deferred_type
    assert numba.types.deferred_type is oxjit.types.deferred_type
