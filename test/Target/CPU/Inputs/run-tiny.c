/* Loads a `tiny` artifact, checks its info against model.h and runs it on
 * the pixels 3 * i, printing the status codes and the logits. */
#include "model.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  qsnn_info_fn info_fn = (qsnn_info_fn)dlsym(library, "tiny_info");
  qsnn_run_fn run = (qsnn_run_fn)dlsym(library, "tiny_run");
  const qsnn_model_info *info = info_fn();
  printf("magic ok %d, abi %u, workspace %llu (header %u)\n",
         info->magic == QSNN_ABI_MAGIC, info->abi_version,
         (unsigned long long)info->workspace_bytes, TINY_WORKSPACE_BYTES);
  printf("input %s dtype %d rank %d shape %lld %lld %lld %lld\n",
         info->inputs[0].name, info->inputs[0].dtype, info->inputs[0].rank,
         (long long)info->inputs[0].shape[0], (long long)info->inputs[0].shape[1],
         (long long)info->inputs[0].shape[2], (long long)info->inputs[0].shape[3]);
  printf("output %s dtype %d; batch %lld, T %lld, classes %lld\n",
         info->outputs[0].name, info->outputs[0].dtype, (long long)info->batch,
         (long long)info->time_steps, (long long)info->num_classes);

  unsigned char pixels[TINY_INPUT0_ELEMENTS];
  for (int i = 0; i < TINY_INPUT0_ELEMENTS; ++i)
    pixels[i] = (unsigned char)(3 * i);
  float logits[TINY_OUTPUT0_ELEMENTS] = {-1.0f, -1.0f};
  const void *inputs[] = {pixels};
  void *outputs[] = {logits};
  char *workspace = aligned_alloc(QSNN_WORKSPACE_ALIGNMENT,
                                  TINY_WORKSPACE_BYTES + QSNN_WORKSPACE_ALIGNMENT);
  printf("too small: %d\n",
         run(inputs, outputs, workspace, TINY_WORKSPACE_BYTES - 1));
  printf("misaligned: %d\n", run(inputs, outputs, workspace + 4,
                                 TINY_WORKSPACE_BYTES));
  printf("logits untouched: %g %g\n", logits[0], logits[1]);
  printf("run: %d\n", run(inputs, outputs, workspace, TINY_WORKSPACE_BYTES));
  printf("logits: %.7g %.7g\n", logits[0], logits[1]);
  free(workspace);
  return 0;
}
