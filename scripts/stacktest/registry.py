"""The ordered list of stack tests; modules register with @test."""
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn
