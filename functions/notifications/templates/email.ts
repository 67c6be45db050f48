/** A rendered message: SES sends both parts, mail clients pick one. */
export interface Email {
  subject: string;
  text: string;
  html: string;
}

export interface Greeting {
  firstName: string;
}
