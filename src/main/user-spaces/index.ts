/** Search spaces the user imports (folders of ONNX files): storage, registration, the SearchSpace factory. */
export { MANIFEST_FILE, type UserSpaceArch, type UserSpaceManifest } from './manifest.ts'
export { datasetsForInput, loadStoredNetwork, onnxSearchSpace, USER_SPACE_DEFAULT_WEIGHTS } from './onnx-space.ts'
export { loadedUserSpace, loadUserSpaces, refreshSpace, syncUserSpaceFolder, userSpacesRoot, type LoadedUserSpace } from './load.ts'
export { importUserSpace, removeUserSpace, userSpaceManifest, type ImportRequest } from './storage.ts'
