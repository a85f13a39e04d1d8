import base from '@chat/eslint-config';

export default base;
