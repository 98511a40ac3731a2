"""detect_anomaly() and no_grad(): what they change, nesting, and restoring after errors."""

import math

import pytest

import autograd
from autograd import Value, detect_anomaly, no_grad
from autograd.modes import MODE

# (expression, op named in the message); x = 0.0, y = -1.0 and z = 1000.0, labelled.
ANOMALIES = [
    (lambda x, y, z: x.log(), "log"),
    (lambda x, y, z: y.log(), "log"),
    (lambda x, y, z: y.sqrt(), "sqrt"),
    (lambda x, y, z: x.sqrt(), "sqrt"),  # finite value 0, infinite derivative
    (lambda x, y, z: 1 / x, "div"),
    (lambda x, y, z: y / x, "div"),
    (lambda x, y, z: x / 0, "div"),
    (lambda x, y, z: x**-1, "pow"),
    (lambda x, y, z: y ** (1 / 3), "pow"),
    (lambda x, y, z: x**y, "pow"),
    (lambda x, y, z: z.exp(), "exp"),
    (lambda x, y, z: z * 1e306, "mul"),
    (lambda x, y, z: x - math.inf, "sub"),
    (lambda x, y, z: x * math.inf, "mul"),  # 0·inf
    (lambda x, y, z: autograd.dot([x], [y], bias=math.inf), "dot"),
    (lambda x, y, z: autograd.vsum([y, math.nan]), "sum"),
]


@pytest.mark.parametrize(("f", "op"), ANOMALIES)
def test_detect_anomaly_raises_at_the_first_non_finite_op(f, op):
    xyz = Value(0.0, label="x"), Value(-1.0, label="y"), Value(1000.0, label="z")
    f(*xyz)  # outside: no error
    with detect_anomaly(), pytest.raises(FloatingPointError, match=rf"'{op}'.*'[xyz]'"):
        f(*xyz)


def test_detect_anomaly_stops_at_the_first_bad_op_not_a_later_one():
    x = Value(-1.0, label="x")
    with detect_anomaly(), pytest.raises(FloatingPointError) as error:
        (x.log() * 2).exp()
    assert "'log'" in str(error.value) and "'mul'" not in str(error.value)


def test_detect_anomaly_lets_finite_graphs_through_and_records_them():
    x = Value(0.5, label="x")
    with detect_anomaly():
        y = (x * x).tanh() + x.relu() + abs(x - 0.5)  # abs'(0) = 0 is finite
        assert y.op == "add" and not y.is_leaf
        y.backward()
    assert math.isclose(x.grad, 2 * 0.5 * (1 - math.tanh(0.25) ** 2) + 1.0, rel_tol=1e-15)


def test_detect_anomaly_backward_checks_a_graph_built_outside():
    x = Value(1e200, label="x")
    y = x * x  # inf, recorded silently
    assert y.data == math.inf
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"backward.*'mul'.*'x'"):
        y.backward()


def test_detect_anomaly_backward_raises_on_a_non_finite_gradient():
    w = Value(2.0, label="w")
    y = w * 1e300  # finite value and local derivative, but the seed makes the gradient overflow
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"gradient of 'w'.*inf"):
        y.backward(1e10)
    y.backward(1e10)  # outside: no error, IEEE result
    assert w.grad == math.inf


@pytest.mark.parametrize("exception", [FloatingPointError, KeyError])
def test_detect_anomaly_is_restored_after_an_exception(exception):
    with pytest.raises(exception), detect_anomaly():
        if exception is FloatingPointError:
            Value(0.0).log()
        raise exception
    assert Value(0.0).log().data == -math.inf  # no longer raises


def test_detect_anomaly_nests():
    with detect_anomaly():
        with detect_anomaly():
            pass
        with pytest.raises(FloatingPointError):
            Value(0.0).log()
    assert math.isnan(Value(-1.0).sqrt().data)


def test_no_grad_computes_values_but_records_leaves():
    x = Value(3.0)
    with no_grad():
        assert not autograd.is_recording()
        ys = [x * 2, 2 - x, x**2, x.exp(), -x, abs(x), autograd.dot([x], [x]), autograd.vsum([x, 1])]
    assert [y.data for y in ys] == [6.0, -1.0, 9.0, math.exp(3.0), -3.0, 3.0, 9.0, 4.0]
    for y in ys:
        assert (y.is_leaf, y.op, y.inputs, y.constants, y.local_grads) == (True, "", (), (), ())
        y.data = 1.0  # leaves: settable
        y.backward()
    assert x.grad == 0.0
    assert autograd.is_recording()


def test_no_grad_nests_and_records_again_after():
    x = Value(1.0)
    with no_grad():
        with no_grad():
            assert (x + 1).is_leaf
        assert (x + 1).is_leaf
    assert (x + 1).op == "add"


def test_no_grad_is_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError), no_grad():
        1 / 0  # noqa: B018
    assert autograd.is_recording()
    assert not (Value(1.0) * 2).is_leaf


def test_no_grad_inside_detect_anomaly_restores_both():
    with detect_anomaly():
        with no_grad():
            assert (Value(1.0) + 1).is_leaf
        with pytest.raises(FloatingPointError):
            Value(0.0).log()
    assert autograd.is_recording() and not (Value(1.0) + 1).is_leaf


def test_a_failed_anomaly_backward_keeps_earlier_gradients():
    v, w = Value(3.0, label="v"), Value(2.0, label="w")
    y = v * 1.0 + w * 1e300
    y.backward()
    assert (v.grad, y.grad) == (1.0, 1.0)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="gradient of 'w'"):
        y.backward(1e10)  # w's gradient overflows
    # Rolled back, or this call's contribution added: either way the earlier 1.0 is kept.
    assert v.grad in (1.0, 1.0 + 1e10)  # (it was 1e10 before b351cbd)
    assert y.grad in (1.0, 1.0 + 1e10)


def test_detect_anomaly_also_checks_ops_under_no_grad():
    with detect_anomaly(), no_grad(), pytest.raises(FloatingPointError, match="op 'log' produced -inf"):
        Value(0.0, label="z").log()
    with no_grad():
        assert Value(0.0).log().data == -math.inf  # without anomaly checks: IEEE, no exception


# --- modes belong to a thread or an asyncio task -------------------------------------------------


def test_modes_of_two_threads_do_not_leak_into_the_process():
    """A enters no_grad, B enters detect_anomaly, A leaves, B leaves: nothing is left on."""
    import threading

    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with no_grad():
            a_in.set()
            b_in.wait(5)
            seen["a"] = (Value(2.0) * Value(3.0)).is_leaf
        a_out.set()

    def b():
        a_in.wait(5)
        with detect_anomaly():
            b_in.set()
            a_out.wait(5)
            seen["b"] = (Value(2.0) * Value(3.0)).op

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"a": True, "b": "mul"}  # each thread saw its own mode
    x = Value(3.0)
    y = x * x
    y.backward()
    assert (y.op, x.grad) == ("mul", 6.0)
    assert MODE.plain


def test_an_evaluation_thread_under_no_grad_does_not_change_training_gradients():
    import threading

    def train(steps, stop=None):
        w = Value(0.5, label="w")
        grads = []
        for k in range(steps):
            x = Value(0.1 * k)
            E = ((w * x).tanh() - 0.3) ** 2
            E.backward()
            grads.append(w.grad)
            w.grad = 0.0
        if stop is not None:
            stop.set()
        return grads

    expected = train(300)
    stop = threading.Event()

    def evaluate():
        while not stop.is_set():
            with no_grad():
                (Value(1.0) * Value(2.0)).tanh()

    evaluator = threading.Thread(target=evaluate)
    evaluator.start()
    try:
        assert train(300, stop) == expected
    finally:
        stop.set()
        evaluator.join(10)


def test_an_asyncio_task_under_no_grad_leaves_the_others_recording():
    import asyncio

    async def in_no_grad(entered, done):
        with no_grad():
            entered.set()
            await done.wait()

    async def main():
        entered, done = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(in_no_grad(entered, done))
        await entered.wait()
        x = Value(2.0)
        y = x * x * x
        y.backward()
        done.set()
        await task
        return y.op, x.grad

    assert asyncio.run(main()) == ("mul", 12.0)


def test_a_task_started_inside_no_grad_keeps_its_mode_after_the_block_closes():
    """The task copied the context: its ops must not be recorded, as is_recording says."""
    import asyncio

    async def later(go):
        await go.wait()
        x = Value(2.0)
        return autograd.is_recording(), (x * x).is_leaf

    async def main():
        go = asyncio.Event()
        with no_grad():
            task = asyncio.create_task(later(go))
        go.set()  # the block has closed; the task still holds no_grad
        return await task

    assert asyncio.run(main()) == (False, True)


def test_a_thread_running_a_copied_context_keeps_detect_anomaly():
    import contextvars
    import threading

    with detect_anomaly():
        context = contextvars.copy_context()
    caught = []

    def run():
        try:
            Value(-1.0).log()
        except FloatingPointError as e:
            caught.append(str(e))

    thread = threading.Thread(target=context.run, args=(run,))
    thread.start()
    thread.join(10)
    assert len(caught) == 1 and "'log'" in caught[0]


def test_no_grad_as_a_decorator_keeps_an_outer_detect_anomaly():
    @no_grad()
    def evaluate(x):
        return x.log()

    with detect_anomaly(), pytest.raises(FloatingPointError, match="'log'"):
        evaluate(Value(-1.0))
    assert not evaluate(Value(2.0)).op  # and records nothing

    @detect_anomaly()
    def check(x):
        return x * 2

    with no_grad():
        assert check(Value(1.0)).is_leaf  # an outer no_grad stays
