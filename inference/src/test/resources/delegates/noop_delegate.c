/*
 * A TFLite external delegate plugin that claims no operators, for tests of Isthmus's delegate
 * loading. It implements the plugin ABI (tflite_plugin_create_delegate / _destroy_delegate) and
 * declares TFLite 2.6's TfLiteDelegate itself, so it builds with nothing but a C compiler.
 *
 * Options: "fail_create" = "1" makes create return NULL (after reporting an error);
 * "fail_prepare" = "1" makes Prepare return kTfLiteError, so the interpreter refuses it.
 * isthmus_noop_prepare_calls() / isthmus_noop_live_delegates() let a test see what happened.
 * Build with -DOMIT_PLUGIN_ABI for a library that lacks the plugin functions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int TfLiteStatus; /* kTfLiteOk = 0, kTfLiteError = 1 */
struct TfLiteContext;

typedef struct TfLiteDelegate {
  void* data_;
  TfLiteStatus (*Prepare)(struct TfLiteContext* context, struct TfLiteDelegate* delegate);
  TfLiteStatus (*CopyFromBufferHandle)(struct TfLiteContext* context,
                                       struct TfLiteDelegate* delegate, int buffer_handle,
                                       void* tensor);
  TfLiteStatus (*CopyToBufferHandle)(struct TfLiteContext* context,
                                     struct TfLiteDelegate* delegate, int buffer_handle,
                                     void* tensor);
  void (*FreeBufferHandle)(struct TfLiteContext* context, struct TfLiteDelegate* delegate,
                           int* handle);
  int64_t flags;
} TfLiteDelegate;

static int prepare_calls = 0;
static int live_delegates = 0;

int isthmus_noop_prepare_calls(void) { return prepare_calls; }
int isthmus_noop_live_delegates(void) { return live_delegates; }

static TfLiteStatus prepare_ok(struct TfLiteContext* context, TfLiteDelegate* delegate) {
  (void)context;
  (void)delegate;
  prepare_calls++;
  return 0;
}

static TfLiteStatus prepare_fail(struct TfLiteContext* context, TfLiteDelegate* delegate) {
  (void)context;
  (void)delegate;
  prepare_calls++;
  return 1;
}

#ifndef OMIT_PLUGIN_ABI
TfLiteDelegate* tflite_plugin_create_delegate(char** keys, char** values, size_t n,
                                              void (*report_error)(const char*)) {
  int fail_prepare = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(keys[i], "fail_create") == 0 && strcmp(values[i], "1") == 0) {
      if (report_error != NULL) report_error("noop delegate: fail_create was set");
      return NULL;
    }
    if (strcmp(keys[i], "fail_prepare") == 0 && strcmp(values[i], "1") == 0) fail_prepare = 1;
  }
  TfLiteDelegate* d = (TfLiteDelegate*)calloc(1, sizeof(TfLiteDelegate));
  if (d == NULL) return NULL;
  d->Prepare = fail_prepare ? prepare_fail : prepare_ok;
  d->flags = 0; /* kTfLiteDelegateFlagsNone */
  live_delegates++;
  return d;
}

void tflite_plugin_destroy_delegate(TfLiteDelegate* delegate) {
  if (delegate != NULL) {
    live_delegates--;
    free(delegate);
  }
}
#endif
