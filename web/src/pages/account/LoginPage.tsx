import { PageHeading } from '../../components/PageHeading';

export const LoginPage = () => <PageHeading>LoginPage</PageHeading>;
