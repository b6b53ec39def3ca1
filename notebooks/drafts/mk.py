"""Author a notebook from a text file: cells separated by lines '#%% md' or '#%%'."""
import json, sys
src, dst = sys.argv[1], sys.argv[2]
cells, cur, kind = [], [], None
def flush():
    if kind is None: return
    text = "\n".join(cur).strip("\n")
    lines = text.split("\n")
    source = [l + "\n" for l in lines[:-1]] + [lines[-1]]
    if kind == "md":
        cells.append({"cell_type": "markdown", "metadata": {}, "source": source})
    else:
        cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source})
for line in open(src).read().split("\n"):
    if line.startswith("#%%"):
        flush(); cur = []; kind = "md" if line.strip() == "#%% md" else "code"
    else:
        cur.append(line)
flush()
nb = {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Java 17 (EmbeddingHub)", "language": "java", "name": "embeddinghub-java"},
        "language_info": {"name": "java"}},
      "nbformat": 4, "nbformat_minor": 5}
import uuid
for i, c in enumerate(cells): c["id"] = f"cell-{i:02d}"
json.dump(nb, open(dst, "w"), indent=1)
open(dst, "a").write("\n")
