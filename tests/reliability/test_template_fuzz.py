"""Generated templates, built from the pieces of the attacks a tester tried (huge texts, lists,
numbers, ranges, nested loops, recursive macros, sandbox escapes), never hang the save check,
never exhaust memory and never leak the PC's data: each is either refused with a sentence
naming the part, or it is accepted and every part it renders stays within the limits."""

from __future__ import annotations

import os
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_desktop.errors import ValidationError
from clinic_desktop.notify import render

SECRET = "clinic-fuzz-secret-7f3a"  # in the environment: no template may print it

NUMBERS = ["0", "1", "7", "1000", "99999", "10**9", "10**100", "2**64", "-1", "1.5e308"]
TEXTS = ["'x'", "'ab'", "''", "'%999999999s'", "'{:>999999999}'", "patient.first_name",
         "step.name", "clinic.name"]
# Reaching out of the sandbox, the usual ways.
ESCAPES = ["''.__class__.__mro__[1].__subclasses__()", "cycler.__init__.__globals__",
           "lipsum.__globals__['os'].environ", "joiner.__init__.__globals__",
           "self._TemplateReference__context", "range.__self__", "namespace.__init__",
           "().__class__.__base__.__subclasses__()", "config", "request.environ",
           "patient.__dict__", "patient.__class__.__init__.__globals__"]


@st.composite
def expression(draw: st.DrawFn, depth: int = 0) -> str:
    leaves = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(TEXTS),
                       st.sampled_from(ESCAPES),
                       st.sampled_from(NUMBERS).map(lambda n: f"range({n})"))
    if depth >= 3:
        return draw(leaves)
    inner = expression(depth + 1)
    return draw(st.one_of(
        leaves,
        st.tuples(inner, st.sampled_from(["*", "+", "~", "**", "%", "//"]), inner)
        .map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from([
            "list", "join", "join(',')", "string", "upper", "center(999999999)",
            "replace('x', 'xxxxxxxxxx')", "wordwrap(5)", "batch(3)|list", "sum", "unique|list",
            "format('x')", "indent(100000)", "truncate(10)", "length", "reverse|list",
            "map('string')|list", "select|list", "sort|list", "tojson", "urlize", "e"]))
        .map(lambda t: f"({t[0]}|{t[1]})"),
        st.tuples(inner, st.sampled_from([".ljust(999999999)", ".format('x')", ".split()",
                                          ".__len__()", ".count('')", ".zfill(10**8)"]))
        .map("".join),
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    ))


@st.composite
def template(draw: st.DrawFn) -> str:
    body = draw(st.lists(st.one_of(
        st.sampled_from(["Hello ", "\n", "{{ patient.first_name }}", "<b>x</b>"]),
        expression().map(lambda e: "{{ " + e + " }}"),
        st.tuples(st.sampled_from(NUMBERS), expression())
        .map(lambda t: f"{{% for i in range({t[0]}) %}}{{{{ {t[1]} }}}}{{% endfor %}}"),
        st.tuples(st.sampled_from(NUMBERS), st.sampled_from(NUMBERS))
        .map(lambda t: f"{{% for a in range({t[0]}) %}}{{% for b in range({t[1]}) %}}x"
                       "{% endfor %}{% endfor %}"),
        st.sampled_from(NUMBERS).map(
            lambda n: "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}"
                      f"{{% endmacro %}}{{{{ f({n}) }}}}"),
        expression().map(lambda e: "{% set ns = namespace(s=" + e + ") %}"
                                   "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                                   "{% endfor %}{{ ns.s|length }}"),
        st.sampled_from(["{{", "{% for %}", "{% endfor %}", "}}", "{# x"]),  # broken syntax
    ), min_size=1, max_size=5))
    return "".join(body) or "x"


def _peak_memory() -> int:
    """The process's high-water mark of memory, in bytes (0 where it cannot be read)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux counts KiB



PART_LABEL = re.compile(r"^(Subject|Text part|HTML part)( of the \w+ email is empty\.|, line "
                        r"\d+: .+| .+|: .+)$", re.S)


@settings(deadline=None, max_examples=150, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(part=st.sampled_from(render.PARTS), source=template())
def test_a_generated_template_is_refused_with_a_sentence_or_renders_within_the_limits(
        part: str, source: str) -> None:
    os.environ["CLINIC_FUZZ_SECRET"] = SECRET
    sources = {**render.default_source(render.STEP_FINISHED, "en"), part: source}
    # The process's high-water mark before this template (other tests in the same process
    # may have set it): a template that swells memory raises it.
    baseline = _peak_memory()
    started = time.process_time()
    try:
        render.check_template(render.STEP_FINISHED, "en", sources)
        accepted = True
    except ValidationError as refusal:
        accepted = False
        reason = str(refusal)
    elapsed = time.process_time() - started

    # Each part and sample has CHECK_SECONDS of CPU at most; a refusal comes at the first.
    assert elapsed < len(render.sample_contexts(render.STEP_FINISHED)) * len(render.PARTS) \
        * render.CHECK_SECONDS * 1.5, elapsed
    assert _peak_memory() - baseline < 64 * 1024 * 1024
    if not accepted:
        assert PART_LABEL.match(reason), reason
        assert "Traceback" not in reason and SECRET not in reason
        return
    for sample in render.sample_contexts(render.STEP_FINISHED):
        email = render.TemplateSet({(render.STEP_FINISHED, "en"): sources}).render(
            render.STEP_FINISHED, "en", sample)
        for text in (email.subject, email.text, email.html):
            assert len(text) <= render.MAX_PART_CHARS
            assert SECRET not in text and "<module" not in text and "__globals__" not in text


@pytest.mark.parametrize("escape", ESCAPES)
def test_every_way_out_of_the_sandbox_is_refused_when_saved(escape: str) -> None:
    sources = {**render.default_source(render.STEP_FINISHED, "en"),
               "text": "Hello {{ " + escape + " }}\n"}
    os.environ["CLINIC_FUZZ_SECRET"] = SECRET
    try:
        render.check_template(render.STEP_FINISHED, "en", sources)
    except ValidationError as refusal:
        assert refusal.args[0].startswith("Text part") and SECRET not in str(refusal)
        return
    email = render.TemplateSet({(render.STEP_FINISHED, "en"): sources}).render(
        render.STEP_FINISHED, "en", render.sample_contexts(render.STEP_FINISHED)[0])
    # Accepted only when it prints nothing of the machine (an undefined name prints as empty
    # is not possible: StrictUndefined refuses it, so this is a harmless value).
    assert SECRET not in email.text and "<module" not in email.text \
        and "__globals__" not in email.text
