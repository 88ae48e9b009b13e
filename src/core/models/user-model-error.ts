/** A user-supplied model refused: the message says what is wrong, `subject` names the file, layer or field. */
export class UserModelError extends Error {
  constructor(message: string, readonly subject: string) {
    super(message);
    this.name = 'UserModelError';
  }
}
