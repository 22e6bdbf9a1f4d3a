/** Turning installed catalogue items into our SQLite tables with the right parser. */
export { convertItem, type ConvertItemOptions, type ConvertItemResult, type ConvertProgress, type ConvertedFile } from './convert-item.ts'
export { CONVERSION_NOTES, CONVERTERS, type Converter } from './converters.ts'
