export { PickleRefused, decodeScalar, itemSize } from './globals.ts'
export { PickleFormatError, unpickle, unpickleAll, type Unpickled } from './unpickler.ts'
export { NdArray, NumpyDtype, PyClassRef, PyDict, PySet, PyTuple, Py2String, hashKey, pyNumber, pyText, type PyValue } from './values.ts'
