// Test shim, not part of any kernel: lets g++ type-check a kernel's
// __SYNTHESIS__ branch (pragmas active, the ap_int types) without Vitis HLS.
// The open ap_types headers refuse __SYNTHESIS__ (they #error: synthesis
// needs Vitis's own front end), so they are included in their simulation
// form with __SYNTHESIS__ lifted for the duration. Use with
// -I<this folder> -I<ap_types/include>.
#ifndef QSNN_TEST_SYNTHESIS_AP_INT_SHIM_H
#define QSNN_TEST_SYNTHESIS_AP_INT_SHIM_H
#ifdef __SYNTHESIS__
#undef __SYNTHESIS__
#include_next <ap_int.h>
#define __SYNTHESIS__ 1
#else
#include_next <ap_int.h>
#endif
#endif
