#!/usr/bin/env bash
# Builds what the notebooks need and executes every notebook headless.
#
#   notebooks/run.sh                 execute each notebook into notebooks/target/executed/ (CI; the
#                                    committed notebooks stay as they are)
#   notebooks/run.sh --update        execute in place: the committed notebooks get fresh outputs
#   notebooks/run.sh --build-only    only build jars + kernel spec (then open them in Jupyter)
#   notebooks/run.sh [--update] quickstart.ipynb …   only these notebooks
#
# Needs Java 17, Maven, and Debian's jupyter-nbconvert + jupyter-client (explore.ipynb also needs
# dataset-fashion-mnist).
# A failing cell fails the script; a kernel that never started is retried.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

mode=check
if [[ "${1:-}" == "--update" ]]; then mode=update; shift; fi
if [[ "${1:-}" == "--build-only" ]]; then mode=build; shift; fi

# 1. jars: our modules (built in the reactor, never installed) + Spark + XChart into
#    notebooks/target/jars (cells load them with `%jar target/jars`), the kernel into target/kernel.
mvn -B -q -Pnotebooks package -DskipTests -pl notebooks -am

# 2. a kernel spec that runs the kernel with Spark's JVM flags (the root pom's spark.test.jvm.flags)
flags="$(sed -n 's:.*<spark.test.jvm.flags>\(.*\)</spark.test.jvm.flags>.*:\1:p' pom.xml)"
[[ -n "$flags" ]] || { echo "spark.test.jvm.flags not found in pom.xml" >&2; exit 1; }
kernel_dir="$here/target/jupyter/kernels/embeddinghub-java"
mkdir -p "$kernel_dir"
python3 - "$kernel_dir/kernel.json" "$here/target/kernel/rapaio-jupyter-kernel.jar" "$flags" "$here/log4j2.properties" <<'EOF'
import json, shlex, sys
path, jar, flags, log4j = sys.argv[1:5]
spec = {
    "argv": ["java", "-Xmx3g", *shlex.split(flags), "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j,
             "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
             "-cp", jar, "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
    "display_name": "Java 17 (EmbeddingHub)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "RJK_COMPILER_OPTIONS": "",
        "RJK_TIMEOUT_MILLIS": "-1",
        "SPARK_LOCAL_IP": "127.0.0.1",
    },
}
with open(path, "w") as f:
    json.dump(spec, f, indent=2)
EOF
export JUPYTER_PATH="$here/target/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
echo "kernel spec: $kernel_dir/kernel.json"
echo "  (to use it in your own Jupyter: jupyter kernelspec install --user $kernel_dir)"
[[ "$mode" == build ]] && exit 0

# 3. execute
if [[ $# -gt 0 ]]; then
  notebooks=("$@")
else
  notebooks=(quickstart.ipynb spark-pipeline.ipynb training-snapshot.ipynb explore.ipynb)
fi
out="$here/target/executed"
mkdir -p "$out"
total_start=$SECONDS
for nb in "${notebooks[@]}"; do
  nb="$(basename "$nb")"
  if [[ "$mode" == update ]]; then
    target=(--inplace)
  else
    target=(--output-dir "$out")
  fi
  for attempt in 1 2 3 4; do
    start=$SECONDS
    log="$out/${nb%.ipynb}.attempt$attempt.log"
    # cwd of the kernel is the notebook's directory (notebooks/), whatever the output directory
    if jupyter nbconvert --to notebook --execute "$here/$nb" "${target[@]}" \
        --ExecutePreprocessor.kernel_name=embeddinghub-java \
        --ExecutePreprocessor.timeout=900 \
        --ExecutePreprocessor.startup_timeout=45 >"$log" 2>&1; then
      echo "ok   $nb ($((SECONDS - start)) s)"
      break
    fi
    # a start-up race of the kernel (seen a few times in ten runs): nbclient never gets its
    # kernel_info reply plus an IOPub message within 45 s; the notebook has not run a cell, so run it again
    if grep -q "Kernel didn't respond" "$log" && [[ $attempt -lt 4 ]]; then
      echo "kernel of $nb did not start (attempt $attempt); retrying"
      continue
    fi
    echo "FAIL $nb ($((SECONDS - start)) s):" >&2
    if grep -q "CellExecutionError" "$log"; then
      sed -n '/CellExecutionError/,$p' "$log" >&2
    else
      tail -n 40 "$log" >&2
    fi
    exit 1
  done
done
echo "all notebooks ran in $((SECONDS - total_start)) s"
