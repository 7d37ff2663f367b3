"""The machine's practical f32 matrix-product rate: numpy's BLAS on square matrices.

Prints one JSON object on stdout. Without numpy it says so instead of failing, so the
benchmark can report the limit as unavailable.
"""
import io
import json
import sys
import time
from contextlib import redirect_stdout


def blas_name(np):
    """The BLAS numpy links, from its build configuration ("openblas", "mkl", ...)."""
    captured = io.StringIO()
    try:
        with redirect_stdout(captured):
            np.show_config()
    except Exception as error:  # show_config's format differs between numpy versions
        return f"unknown ({error})"
    text = captured.getvalue().lower()
    for name in ("openblas", "mkl", "blis", "accelerate"):
        if name in text:
            return name
    return "reference or unknown"


def main():
    try:
        import numpy as np
    except ImportError as error:
        print(json.dumps({"available": False, "reason": f"numpy is not installed ({error})"}))
        return
    sizes = [int(s) for s in sys.argv[1:]] or [1024, 2048]
    results = []
    rng = np.random.default_rng(0)
    for n in sizes:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        a @ b  # warm-up: thread pool start, page faults
        times = []
        deadline = time.perf_counter() + 3.0
        while len(times) < 3 or (time.perf_counter() < deadline and len(times) < 20):
            start = time.perf_counter()
            a @ b
            times.append(time.perf_counter() - start)
        times.sort()
        best, median = times[0], times[len(times) // 2]
        flops = 2.0 * n ** 3
        results.append({
            "n": n,
            "repeats": len(times),
            "medianMs": median * 1e3,
            "bestMs": best * 1e3,
            "gflopsMedian": flops / median / 1e9,
            "gflopsBest": flops / best / 1e9,
        })
    print(json.dumps({
        "available": True,
        "numpy": np.__version__,
        "blas": blas_name(np),
        "results": results,
        # The limit used for fractions: the best median over the sizes tried.
        "gflops": max(r["gflopsMedian"] for r in results),
    }))


if __name__ == "__main__":
    main()
