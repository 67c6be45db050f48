import { PageHeading } from '../../components/PageHeading';

export const RegisterPage = () => <PageHeading>RegisterPage</PageHeading>;
