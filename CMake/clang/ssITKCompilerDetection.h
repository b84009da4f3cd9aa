// Force-included into every C++ source when the compiler is clang
// (SuperSpotCompilerSettings.cmake).
//
// Debian's ITK 5.2 generated its itk_compiler_detection.h for GCC only: under clang it
// stops with "#error Unsupported compiler". Read it once here as GCC 12 (Debian 12's)
// would, so its C++11 feature macros come out as they do in the GCC build; clang 14 has
// every feature they test. Its include guard then keeps itkConfigure.h from reading it again.
#if defined(__clang__) && defined(__has_include)
#if __has_include(<itk_compiler_detection.h>) && !defined(ITK_COMPILER_DETECTION_H)
#pragma push_macro("__clang__")
#pragma push_macro("__GNUC__")
#pragma push_macro("__GNUC_MINOR__")
#undef __clang__
#undef __GNUC__
#undef __GNUC_MINOR__
#define __GNUC__ 12
#define __GNUC_MINOR__ 2
#include <itk_compiler_detection.h>
#pragma pop_macro("__GNUC_MINOR__")
#pragma pop_macro("__GNUC__")
#pragma pop_macro("__clang__")
#endif
#endif
