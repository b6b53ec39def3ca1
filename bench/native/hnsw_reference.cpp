// Native hnswlib (C++) reference benchmark on Fashion-MNIST: build time and recall@10 / QPS per ef.
//
// Usage: hnsw_reference TRAIN TEST OUTDIR [BASE=60000] [QUERIES=10000] [M=16] [EFC=200]
//                       [EFS=10,16,32,64,128,256] [THREADS=2] [--gt FILE] [--save FILE | --load FILE]
//   TRAIN/TEST  IDX image files (train-images-idx3-ubyte[.gz], t10k-images-idx3-ubyte[.gz])
//   --gt FILE   read the ground truth (one line per query: 10 space-separated base ids) instead
//               of computing it; without it the exact top-10 is computed and written to
//               OUTDIR/groundtruth.txt in that format
//   --save FILE after the builds, save the searched (1-thread) index to FILE (hnswlib's saveIndex)
//   --load FILE build nothing: load the index saved by --save and only search it (a later round
//               of bench/run.sh; native.csv then has no build rows)
// Writes OUTDIR/native.csv (impl,phase,ef,recall,qps,seconds) and prints a table.
#include <hnswlib/hnswlib.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

constexpr int K = 10;
constexpr size_t DIM = 784;
constexpr size_t WARMUP = 500;
// Queries per timed block of the interleaved ef sweep.
constexpr size_t SWEEP_BLOCK = 1000;

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// First `limit` images of an IDX3 file (gzip or plain: gzread reads both), as uint8 pixels.
static std::vector<uint8_t> readIdx(const std::string &path, size_t limit, size_t &rows) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  unsigned char h[16];
  if (gzread(f, h, 16) != 16) throw std::runtime_error("short header in " + path);
  auto be = [&](int i) { return (uint32_t(h[i]) << 24) | (uint32_t(h[i + 1]) << 16) | (uint32_t(h[i + 2]) << 8) | h[i + 3]; };
  if (be(0) != 0x803 || size_t(be(8)) * be(12) != DIM) throw std::runtime_error("not a 28x28 IDX3 image file: " + path);
  rows = std::min<size_t>(be(4), limit);
  std::vector<uint8_t> px(rows * DIM);
  if (gzread(f, px.data(), unsigned(px.size())) != int(px.size())) throw std::runtime_error("short data in " + path);
  gzclose(f);
  return px;
}

static void parallelFor(size_t n, size_t threads, const std::function<void(size_t)> &fn) {
  std::atomic<size_t> next(0);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; t++)
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  for (auto &th : pool) th.join();
}

// Exact top-K by brute force in integer arithmetic (no float rounding); ties go to the lower id.
static std::vector<std::vector<int>> groundTruth(const std::vector<int16_t> &base, size_t nb,
                                                 const std::vector<int16_t> &queries, size_t nq) {
  std::vector<std::vector<int>> truth(nq);
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  parallelFor(nq, threads, [&](size_t q) {
    const int16_t *a = &queries[q * DIM];
    std::vector<std::pair<int32_t, int>> top;  // sorted ascending, at most K
    for (size_t i = 0; i < nb; i++) {
      const int16_t *b = &base[i * DIM];
      int32_t d = 0;
      for (size_t j = 0; j < DIM; j++) {
        int32_t x = a[j] - b[j];
        d += x * x;
      }
      if (top.size() == K && d >= top.back().first) continue;
      auto pos = std::upper_bound(top.begin(), top.end(), std::make_pair(d, int(i)));
      top.insert(pos, {d, int(i)});
      if (top.size() > K) top.pop_back();
    }
    for (auto &p : top) truth[q].push_back(p.second);
  });
  return truth;
}

static std::vector<std::vector<int>> readTruth(const std::string &path, size_t nq, size_t nb) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::vector<int>> truth;
  std::string line;
  while (truth.size() < nq && std::getline(in, line)) {
    std::istringstream ss(line);
    std::vector<int> row;
    for (int id; ss >> id;) row.push_back(id);
    if (row.size() < size_t(K)) throw std::runtime_error("ground-truth line with fewer than 10 ids in " + path);
    row.resize(K);
    for (int id : row)
      if (id < 0 || size_t(id) >= nb) throw std::runtime_error("ground-truth id out of range of the base vectors: " + path);
    truth.push_back(row);
  }
  if (truth.size() < nq) throw std::runtime_error("ground truth has fewer lines than queries: " + path);
  return truth;
}

static std::unique_ptr<hnswlib::HierarchicalNSW<float>> build(hnswlib::L2Space &space, const std::vector<float> &base,
                                                              size_t nb, size_t m, size_t efc, size_t threads,
                                                              double &seconds) {
  auto index = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space, nb, m, efc, 100);
  double t0 = now();
  index->addPoint(&base[0], 0);  // the entry point first, alone (as the Python bindings do)
  parallelFor(nb - 1, threads, [&](size_t i) { index->addPoint(&base[(i + 1) * DIM], i + 1); });
  seconds = now() - t0;
  return index;
}

static const char *kernelName(hnswlib::L2Space &space) {
  auto f = space.get_dist_func();
#if defined(USE_AVX512)
  if (f == hnswlib::L2SqrSIMD16ExtAVX512) return "AVX-512 (L2SqrSIMD16ExtAVX512)";
#endif
#if defined(USE_AVX)
  if (f == hnswlib::L2SqrSIMD16ExtAVX) return "AVX (L2SqrSIMD16ExtAVX)";
#endif
#if defined(USE_SSE)
  if (f == hnswlib::L2SqrSIMD16ExtSSE) return "SSE (L2SqrSIMD16ExtSSE)";
#endif
  if (f == hnswlib::L2Sqr) return "scalar (L2Sqr)";
  return "other";
}

static int run(int argc, char **argv) {
  std::vector<std::string> pos;
  std::string gtPath, savePath, loadPath;
  bool help = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--gt" && i + 1 < argc) gtPath = argv[++i];
    else if (a == "--save" && i + 1 < argc) savePath = argv[++i];
    else if (a == "--load" && i + 1 < argc) loadPath = argv[++i];
    else if (a == "-h" || a == "--help") help = true;
    else pos.push_back(a);
  }
  if (!savePath.empty() && !loadPath.empty()) {
    std::cerr << "hnsw_reference: --save and --load exclude each other\n";
    return 2;
  }
  if (help || pos.size() < 3) {
    std::cerr << "usage: hnsw_reference TRAIN TEST OUTDIR [BASE=60000] [QUERIES=10000] [M=16] [EFC=200]"
                 " [EFS=10,16,32,64,128,256] [THREADS=2] [--gt FILE] [--save FILE | --load FILE]\n";
    return 2;
  }
  auto arg = [&](size_t i, const char *def) { return pos.size() > i ? pos[i] : std::string(def); };
  const std::string out = pos[2];
  size_t nbWanted = std::stoul(arg(3, "60000")), nqWanted = std::stoul(arg(4, "10000"));
  size_t m = std::stoul(arg(5, "16")), efc = std::stoul(arg(6, "200")), threads = std::stoul(arg(8, "2"));
  std::vector<size_t> efs;
  {
    std::istringstream ss(arg(7, "10,16,32,64,128,256"));
    for (std::string tok; std::getline(ss, tok, ',');) efs.push_back(std::stoul(tok));
  }

  size_t nb, nq;
  std::vector<uint8_t> basePx = readIdx(pos[0], nbWanted, nb), queryPx = readIdx(pos[1], nqWanted, nq);
  if (nb < 2 || nq == 0) throw std::runtime_error("need at least 2 base vectors and 1 query");
  std::vector<float> base(basePx.begin(), basePx.end()), queries(queryPx.begin(), queryPx.end());

  hnswlib::L2Space space(DIM);
  std::cout << "native hnswlib: " << nb << " base x " << nq << " queries, " << DIM << " dims, M=" << m
            << ", efConstruction=" << efc << ", k=" << K << "\n  distance kernel: " << kernelName(space) << "\n";

  std::vector<std::vector<int>> truth;
  if (!gtPath.empty()) {
    truth = readTruth(gtPath, nq, nb);
    std::cout << "  ground truth read from " << gtPath << "\n";
  } else {
    double t0 = now();
    truth = groundTruth(std::vector<int16_t>(basePx.begin(), basePx.end()), nb,
                        std::vector<int16_t>(queryPx.begin(), queryPx.end()), nq);
    std::ofstream gt(out + "/groundtruth.txt");
    for (auto &row : truth)
      for (int j = 0; j < K; j++) gt << row[j] << (j + 1 < K ? ' ' : '\n');
    if (!gt.flush()) throw std::runtime_error("cannot write " + out + "/groundtruth.txt");
    std::printf("  ground truth (brute force, %u threads): %.1f s -> %s/groundtruth.txt\n",
                std::max(1u, std::thread::hardware_concurrency()), now() - t0, out.c_str());
  }

  std::ofstream csv(out + "/native.csv");
  csv << "impl,phase,ef,recall,qps,seconds\n";
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  if (!loadPath.empty()) {
    index = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space, loadPath);
    if (index->cur_element_count != nb)
      throw std::runtime_error("the index in " + loadPath + " holds " + std::to_string(index->cur_element_count) +
                               " vectors, not the " + std::to_string(nb) + " base vectors");
    std::cout << "  index loaded from " << loadPath << " (no build timed)\n";
  } else {
    double buildN, build1;
    build(space, base, nb, m, efc, threads, buildN);  // timed, then freed
    index = build(space, base, nb, m, efc, 1, build1);  // the index that is searched
    std::printf("  build, 1 thread: %.2f s\n  build, %zu threads: %.2f s\n", build1, threads, buildN);
    csv << "native,build1,,,," << build1 << "\nnative,buildN,,,," << buildN << "\n";
    if (!savePath.empty()) {
      index->saveIndex(savePath);
      std::cout << "  index saved to " << savePath << "\n";
    }
  }
  std::printf("\n  %6s %8s %10s\n", "ef", "recall", "QPS");
  // Every ef is timed over the same queries, in blocks of SWEEP_BLOCK interleaved across the efs
  // (step s times block (s + e) mod blocks at the e-th ef), so that a burst of noise on a shared
  // machine falls on all efs alike instead of on one; the Java side sweeps the same way.
  for (size_t ef : efs) {
    index->setEf(ef);
    for (size_t q = 0; q < std::min(WARMUP, nq); q++) index->searchKnn(&queries[q * DIM], K);
  }
  size_t blocks = (nq + SWEEP_BLOCK - 1) / SWEEP_BLOCK;
  std::vector<double> seconds(efs.size(), 0.0);
  std::vector<std::vector<std::vector<int>>> found(efs.size(), std::vector<std::vector<int>>(nq));
  for (size_t step = 0; step < blocks; step++) {
    for (size_t e = 0; e < efs.size(); e++) {
      size_t from = ((step + e) % blocks) * SWEEP_BLOCK, to = std::min(nq, from + SWEEP_BLOCK);
      index->setEf(efs[e]);
      double t0 = now();
      for (size_t q = from; q < to; q++) {
        auto res = index->searchKnn(&queries[q * DIM], K);
        for (; !res.empty(); res.pop()) found[e][q].push_back(int(res.top().second));
      }
      seconds[e] += now() - t0;
    }
  }
  for (size_t e = 0; e < efs.size(); e++) {
    double qps = nq / seconds[e];
    size_t hits = 0;
    for (size_t q = 0; q < nq; q++) {
      std::unordered_set<int> want(truth[q].begin(), truth[q].end());
      for (int id : found[e][q]) hits += want.count(id);
    }
    double recall = double(hits) / double(nq * K);
    std::printf("  %6zu %8.4f %10.0f\n", efs[e], recall, qps);
    csv << "native,search," << efs[e] << "," << recall << "," << qps << ",\n";
  }
  if (!csv.flush()) throw std::runtime_error("cannot write " + out + "/native.csv");
  std::cout << "\n  wrote " << out << "/native.csv\n";
  return 0;
}

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &e) {
    std::cerr << "hnsw_reference: " << e.what() << "\n";
    return 1;
  }
}
