import { define } from '../../core/define.ts';
import { EncoreReturnsEntry } from './returns-entry.ts';

define('encore-returns-entry', EncoreReturnsEntry);

export { EncoreReturnsEntry };
