import { define } from '../../core/define.ts';
import { EncoreNpsSurvey } from './nps-survey.ts';

define('encore-nps-survey', EncoreNpsSurvey);

export { EncoreNpsSurvey };
