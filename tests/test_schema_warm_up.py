"""pandera's first validation registers its backends (0.1-0.3 s): check does that in a thread
beside the reading of the workbook, so the validation finds them registered."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_warm_up_registers_pandas_backends_in_a_fresh_interpreter() -> None:
    script = textwrap.dedent(
        """
        import pandas as pd
        import pandera.pandas as pa
        from pandera.api.base.schema import BaseSchema
        from ladder_sheets.schema import warm_up

        def registered():
            return {
                (schema.__name__, data.__name__)
                for schema, data in BaseSchema.BACKEND_REGISTRY
            }

        assert ("DataFrameSchema", "DataFrame") not in registered(), registered()
        thread = warm_up()
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert thread.daemon  # never keeps a process alive
        assert ("DataFrameSchema", "DataFrame") in registered(), registered()
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
