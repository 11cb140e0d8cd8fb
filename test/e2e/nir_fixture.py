"""The NIR paper's single-neuron benchmark (docs/spec.md §8, issue 16):
compiles the Norse-made lif_norse.nir with

    qsnn-compile lif_norse.nir --numerics float --dt 1e-4 --time-steps 1000
                 --expose-membranes

runs the artifact on the input column of lif_norse.csv and requires the
csv's spike train EXACTLY and its voltages within 1e-4; the numpy reference
(python/qsnn/nir_reference.py) must agree with the artifact too (spikes equal,
membranes within 1e-5).

    nir_fixture.py --compile qsnn-compile --fixtures DIR [--keep DIR]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from qsnn import nir_reference, runtime  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compile", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--keep")
    args = parser.parse_args()
    model = os.path.join(args.fixtures, "lif_norse.nir")
    table = np.loadtxt(os.path.join(args.fixtures, "lif_norse.csv"),
                       delimiter=",", dtype=np.float64)
    work = args.keep or tempfile.mkdtemp(prefix="nir-fixture-")
    out = os.path.join(work, "lif_norse")
    subprocess.run([args.compile, model, "--numerics", "float", "--dt", "1e-4",
                    "--time-steps", str(len(table)), "--expose-membranes",
                    "-q", "-o", out], check=True)
    frames = table[:, 0].astype(np.uint8).reshape(len(table), 1, 1)
    with runtime.Model(out) as artifact:
        names = [o["name"] for o in artifact.info["outputs"]]
        assert names == ["output", "membrane:1"], names
        spikes, membrane = artifact.run(frames)
    spikes, membrane = spikes.reshape(-1), membrane.reshape(-1)
    expected_spikes, expected_v = table[:, 2], table[:, 1]
    steps = np.nonzero(spikes)[0].tolist()
    error = float(np.max(np.abs(membrane - expected_v)))
    print("artifact: spikes at steps %s (csv: %s), largest voltage error %.3g"
          % (steps, np.nonzero(expected_spikes)[0].tolist(), error))
    ok = np.array_equal(spikes, expected_spikes) and error <= 1e-4
    outputs, membranes = nir_reference.run(nir_reference.read(model), frames,
                                           1e-4)
    ref_spikes = outputs["output"].reshape(-1)
    ref_error = float(np.max(np.abs(membranes["1"].reshape(-1) - membrane)))
    print("reference: spikes equal: %s, largest membrane difference %.3g"
          % (np.array_equal(ref_spikes, spikes), ref_error))
    ok = ok and np.array_equal(ref_spikes, spikes) and ref_error <= 1e-5
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
