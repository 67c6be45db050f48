import * as z from 'zod/mini';

// No control characters in names; anything else a person may be called is accepted (and escaped on output).
const Name = z
  .string()
  .check(z.trim(), z.minLength(1), z.maxLength(100), z.regex(/^[^\p{Cc}]*$/u, 'Must not contain control characters'));
const Email = z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email());
export const Password = z.string().check(z.minLength(8), z.maxLength(128));

export const RegisterBody = z
  .strictObject({ email: Email, password: Password, first_name: Name, last_name: Name })
  .check(
    z.refine((body) => body.password.trim().toLowerCase() !== body.email, {
      message: 'The password must not be the email address',
      path: ['password'],
    }),
  );
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({
  email: z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(254)),
  password: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const UpdateProfileBody = z.strictObject({ first_name: z.optional(Name), last_name: z.optional(Name) }).check(
  z.refine((body) => body.first_name !== undefined || body.last_name !== undefined, {
    message: 'Give first_name, last_name or both',
  }),
);
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

/** `old_password` as the original service named it; `current_password` is accepted too. */
export const ChangePasswordBody = z
  .strictObject({
    old_password: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    current_password: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    new_password: Password,
  })
  .check(
    z.refine((body) => (body.old_password ?? body.current_password) !== undefined, {
      message: 'old_password is required',
      path: ['old_password'],
    }),
  );
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const ValidateBody = z.optional(z.strictObject({ token: z.optional(z.string().check(z.maxLength(4096))) }));
export type ValidateBody = z.infer<typeof ValidateBody>;

export type Role = 'customer' | 'admin';

/** A user as the API shows it: never the password hash or the token version. */
export interface User {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  created_at: string;
  updated_at: string;
}
